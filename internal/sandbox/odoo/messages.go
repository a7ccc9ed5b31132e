package odoo

import (
	"html"
	"slices"
	"strings"
)

// The chatter (14, 15, 16, 18, 19: mail/models/mail_thread.py message_post,
// mail/models/mail_message.py, odoo/tools/mail.py html_sanitize).
//
// message_post on one record of a mail.thread model (sale.order,
// account.move, stock.picking, res.partner, account.payment) with the
// keyword arguments body, message_type (default "notification"),
// subtype_xmlid (default mail.mt_note; mail.mt_comment a discussion) and
// subject makes a mail.message (model, res_id, body, message_type,
// subtype_id, subject, author_id, date) and answers its id: 16–18 through
// @api.returns, 19 [id] (odoo/service/model.py call_kw: a recordset result
// becomes its ids; 19 dropped @api.returns). The body is stored sanitized:
// text is wrapped in <p> (lxml's fromstring); 16 keeps HTML given as a
// string, 18 and 19 escape a str body (escape(body): only a Markup is HTML,
// which JSON cannot send). Several records is "Expected singleton";
// message_type user_notification is refused (16: "Posting a message should
// be done on a business document. Use message_notify to send a notification
// to an user.", 18+: "Use message_notify to send a notification to an
// user."); an unknown subtype_xmlid is "External ID not found in the system".
// The records' message_ids list their messages, newest first.

var threadModels = []string{"sale.order", "account.move", "stock.picking", "res.partner", "account.payment"}

var subtypes = []struct{ xmlid, name string }{{"mail.mt_comment", "Discussions"}, {"mail.mt_note", "Note"}}

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := func(t fieldType) *field { return &field{typ: t} }
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		defs["mail.message.subtype"] = &modelDef{name: "mail.message.subtype", fields: map[string]*field{"name": f(fChar), "internal": f(fBool), "create_date": f(fDatetime), "write_date": f(fDatetime)}}
		defs["mail.message"] = &modelDef{name: "mail.message", nameField: "subject", fields: map[string]*field{
			"model": f(fChar), "res_id": f(fInt), "body": f(fText), "message_type": f(fSelection), "subtype_id": m2o("mail.message.subtype"),
			"subject": f(fChar), "author_id": m2o("res.partner"), "date": f(fDatetime), "record_name": f(fChar),
			"create_date": f(fDatetime), "write_date": f(fDatetime),
		}}
		for _, m := range threadModels {
			model := m
			if d, ok := defs[model]; ok {
				d.fields["message_ids"] = &field{typ: fOne2many, relation: "mail.message", compute: func(s *Server, r record) any {
					var out []int64
					for id, msg := range s.tables["mail.message"].rows {
						if msg["model"] == model && msg["res_id"] == r["id"] {
							out = append(out, id)
						}
					}
					slices.Sort(out)
					slices.Reverse(out)
					return out
				}}
			}
		}
	})
	for _, m := range threadModels {
		model := m
		actions[model+".message_post"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
			return s.messagePost(model, ids, kw)
		}
	}
}

func (s *Server) subtype(xmlid string) int64 {
	for i, st := range subtypes {
		if st.xmlid == xmlid {
			t := s.tables["mail.message.subtype"]
			for _, id := range t.ids() {
				if t.rows[id]["name"] == subtypes[i].name {
					return id
				}
			}
			id, _ := s.create("mail.message.subtype", map[string]any{"name": st.name, "internal": st.xmlid == "mail.mt_note"})
			return id
		}
	}
	return 0
}

func (s *Server) messagePost(model string, ids []int64, kw map[string]any) (any, bool, error) {
	if len(ids) != 1 {
		return nil, false, valueError("Expected singleton: %s%s", model, idTuple(ids))
	}
	if _, ok := s.tables[model].get(ids[0]); !ok {
		return nil, false, missingError("Record does not exist or has been deleted.\n(Record: %s(%d,), User: 2)", model, ids[0])
	}
	typ, _ := kw["message_type"].(string)
	if typ == "" {
		typ = "notification"
	}
	if s.opts.Version <= 15 {
		// 14, 15 (mail/models/mail_thread.py message_post): the
		// user_notification check first, then model/res_id and subtype,
		// each with its own message (14's say "doesn't").
		does := "does not"
		if s.opts.Version == 14 {
			does = "doesn't"
		}
		_, model := kw["model"]
		_, resID := kw["res_id"]
		_, subtype := kw["subtype"]
		switch {
		case typ == "user_notification" && s.opts.Version == 14:
			return nil, false, valueError("message_post should only be call to post message on record. Use message_notify instead")
		case typ == "user_notification":
			return nil, false, valueError("Posting a message should be done on a business document. Use message_notify to send a notification to an user.")
		case model || resID:
			return nil, false, valueError("message_post %s support model and res_id parameters anymore. Please call message_post on record.", does)
		case subtype:
			return nil, false, valueError("message_post %s support subtype parameter anymore. Please give a valid subtype_id or subtype_xmlid value instead.", does)
		}
	}
	for _, k := range []string{"model", "res_id", "subtype"} {
		if _, ok := kw[k]; ok {
			return nil, false, valueError("message_post does not support model and res_id parameters anymore. Please call message_post on record.")
		}
	}
	if typ == "user_notification" {
		if s.opts.Version >= 18 {
			return nil, false, valueError("Use message_notify to send a notification to an user.")
		}
		return nil, false, valueError("Posting a message should be done on a business document. Use message_notify to send a notification to an user.")
	}
	if !slices.Contains([]string{"email", "comment", "notification", "auto_comment", "email_outgoing"}, typ) || typ == "email_outgoing" && s.opts.Version < 18 ||
		typ == "auto_comment" && s.opts.Version <= 15 {
		// auto_comment is 16's (mail/models/mail_message.py).
		return nil, false, valueError("Wrong value for mail.message.message_type: '%s'", typ)
	}
	xmlid, _ := kw["subtype_xmlid"].(string)
	if xmlid == "" {
		xmlid = "mail.mt_note"
	}
	st := s.subtype(xmlid)
	if st == 0 && s.opts.Version <= 15 {
		// 14, 15: xmlid_to_res_id without raise_if_not_found answers False
		// and message_post falls back to mail.mt_note.
		st = s.subtype("mail.mt_note")
	}
	if st == 0 {
		return nil, false, valueError("External ID not found in the system: %s", xmlid)
	}
	body, _ := kw["body"].(string)
	if s.opts.Version >= 18 {
		body = html.EscapeString(body)
	}
	if body != "" && !strings.HasPrefix(strings.TrimSpace(body), "<") {
		body = "<p>" + body + "</p>"
	}
	vals := map[string]any{"model": model, "res_id": float64(ids[0]), "body": body, "message_type": typ, "subtype_id": float64(st),
		"date": s.now().Format("2006-01-02 15:04:05"), "record_name": s.displayName(model, ids[0]), "author_id": float64(s.adminPartner())}
	if subj, ok := kw["subject"].(string); ok {
		vals["subject"] = subj
	}
	id, err := s.create("mail.message", vals)
	if err != nil {
		return nil, false, err
	}
	if s.opts.Version >= 19 {
		return []int64{id}, false, nil
	}
	return id, false, nil
}

func (s *Server) adminPartner() int64 {
	for _, u := range s.tables["res.users"].rows {
		return asID(u["partner_id"])
	}
	return 0
}
