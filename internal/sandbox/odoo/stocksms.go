package odoo

// stock_sms (Options.StockSMS, SetStockSMS, /_sandbox/stock-sms), from
// addons/stock_sms (14 and 15 as 16, read; 16 osamamagar/odoo16, 18 KaiO277/odoo, 19
// jnvdx6/skymedic-odoo; 17 taken to be as 16 and 18, which are the same):
// once every other pre-validation wizard has passed, stock.picking
// button_validate of an outgoing picking whose partner has a phone (14–18:
// or a mobile) answers the confirm.stock.sms wizard action and validates
// nothing, while the company has SMS confirmation on (14–18
// stock_move_sms_validation, default True; 19 stock_text_confirmation with
// stock_confirmation_type "sms") and has_received_warning_stock_sms is false,
// unless the context has skip_sms. The wizard (pick_ids) has send_sms, which
// sets has_received_warning_stock_sms, and dont_send_sms, which also turns SMS
// confirmation off; both then run button_validate on the context's
// button_validate_picking_ids (the action's context carries them: called
// without it they validate nothing and answer true, as Odoo's browse(None)
// does). Either way the company is not asked again.

const smsViewID = 1001

// smsOnField is the company's switch of SMS confirmation in a version.
func smsOnField(version int) string {
	if version >= 19 {
		return "stock_text_confirmation"
	}
	return "stock_move_sms_validation"
}

// company is the one company's record.
func (s *Server) company() (int64, record) {
	ids := s.tables["res.company"].ids()
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], s.tables["res.company"].rows[ids[0]]
}

// warnSMS is _check_warn_sms for one picking.
func (s *Server) warnSMS(picking int64) bool {
	if !s.opts.StockSMS {
		return false
	}
	_, c := s.company()
	if c[smsOnField(s.opts.Version)] != true || c["has_received_warning_stock_sms"] == true {
		return false
	}
	if s.opts.Version >= 19 && c["stock_confirmation_type"] != "sms" {
		return false
	}
	p := s.tables["stock.picking"].rows[picking]
	if p["picking_type_code"] != "outgoing" {
		return false
	}
	partner, _ := s.tables["res.partner"].get(asID(p["partner_id"]))
	phone, _ := partner["phone"].(string)
	mobile, _ := partner["mobile"].(string)
	return phone != "" || s.opts.Version < 19 && mobile != ""
}

// smsWizard is _action_generate_warn_sms_wizard: the wizard is created (the
// call answers, so it commits) and its action carries the call's context with
// button_validate_picking_ids.
func (s *Server) smsWizard(warn, self []int64, ctx map[string]any) (map[string]any, error) {
	cmds := []any{}
	for _, id := range warn {
		cmds = append(cmds, []any{4.0, float64(id)})
	}
	wiz, err := s.create("confirm.stock.sms", map[string]any{"pick_ids": cmds})
	if err != nil {
		return nil, err
	}
	c := map[string]any{}
	for k, v := range ctx {
		c[k] = v
	}
	if !truthy(c["button_validate_picking_ids"]) {
		c["button_validate_picking_ids"] = self
	}
	return map[string]any{"name": "SMS", "type": "ir.actions.act_window", "view_mode": "form", "res_model": "confirm.stock.sms",
		"views": []any{[]any{smsViewID, "form"}}, "view_id": smsViewID, "target": "new", "res_id": wiz, "context": c}, nil
}

// installStockSMS adds or removes stock_sms's fields and wizard model.
func (s *Server) installStockSMS(on bool) {
	s.opts.StockSMS = on
	s.setModuleState("stock_sms", on)
	ct := s.tables["res.company"]
	on16 := smsOnField(s.opts.Version)
	if !on {
		delete(ct.def.fields, "has_received_warning_stock_sms")
		if s.opts.Version < 19 {
			delete(ct.def.fields, on16)
		}
		for _, r := range ct.rows {
			delete(r, "has_received_warning_stock_sms")
			if s.opts.Version < 19 {
				delete(r, on16)
			} else {
				r[on16] = false
			}
		}
		delete(s.tables, "confirm.stock.sms")
		ct.gen++
		return
	}
	ct.def.fields["has_received_warning_stock_sms"] = &field{typ: fBool}
	ct.def.fields[on16] = &field{typ: fBool}
	for _, r := range ct.rows {
		r["has_received_warning_stock_sms"], r[on16] = false, true
	}
	ct.gen++
	if _, ok := s.tables["confirm.stock.sms"]; !ok {
		s.tables["confirm.stock.sms"] = &table{def: &modelDef{name: "confirm.stock.sms", fields: map[string]*field{
			"pick_ids": {typ: fMany2many, relation: "stock.picking"}, "create_date": {typ: fDatetime}, "write_date": {typ: fDatetime},
		}}, rows: map[int64]record{}, next: 1}
	}
}

func (s *Server) setModuleState(name string, installed bool) {
	state := "uninstalled"
	if installed {
		state = "installed"
	}
	t := s.tables["ir.module.module"]
	for _, id := range t.ids() {
		if t.rows[id]["name"] == name {
			t.rows[id]["state"] = state
			t.gen++
			return
		}
	}
	s.mustCreate("ir.module.module", map[string]any{"name": name, "state": state})
}

func init() {
	wizard := func(dismiss bool) func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		return func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
			if len(ids) != 1 {
				return nil, false, valueError("Expected singleton: confirm.stock.sms%s", idTuple(ids))
			}
			if _, ok := s.tables["confirm.stock.sms"].get(ids[0]); !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: confirm.stock.sms(%d,), User: 2)", ids[0])
			}
			cid, c := s.company()
			if c != nil && c["has_received_warning_stock_sms"] != true {
				s.setField("res.company", cid, "has_received_warning_stock_sms", true)
				if dismiss {
					s.setField("res.company", cid, smsOnField(s.opts.Version), false)
				}
			}
			ctx, _ := kw["context"].(map[string]any)
			return actions["stock.picking.button_validate"](s, idList(ctx["button_validate_picking_ids"]), kw)
		}
	}
	actions["confirm.stock.sms.send_sms"] = wizard(false)
	actions["confirm.stock.sms.dont_send_sms"] = wizard(true)
}
