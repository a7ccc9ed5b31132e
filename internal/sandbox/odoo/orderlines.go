package odoo

// A confirmed order's lines cannot be removed (sale/models/sale_order_line.py
// _unlink_except_confirmed, @api.ondelete): sale.order.line unlink, and so an
// order_line command (2, id), (3, id), (5,) or (6, 0, ids) that drops a line
// (order_id is ondelete='cascade'), raise UserError while the line's order is
// in state sale (16: also done). Lines of the delivery module (is_delivery)
// may go (delivery/models/sale_order_line.py _check_line_unlink). Setting the
// quantity to 0 and adding lines (0, 0, vals) are allowed.

// lineUnlinkMessage is the UserError of each version: 16
// (osamamagar/odoo16), 18 (KaiO277/odoo) and 19 (jnvdx6/skymedic-odoo); the
// 18 and 19 source ends the first line with "\n\" inside the literal, so the
// second line keeps its 16 spaces of indentation. 17 is taken to be 18's (no
// 17 source was at hand).
func lineUnlinkMessage(version int) string {
	if version < 17 {
		return "You can not remove an order line once the sales order is confirmed.\nYou should rather set the quantity to 0."
	}
	return "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead."
}

func init() {
	unlinkHooks["sale.order.line"] = func(s *Server, ids []int64) error {
		for _, id := range ids {
			l, ok := s.tables["sale.order.line"].get(id)
			if !ok {
				continue
			}
			o, _ := s.tables["sale.order"].get(asID(l["order_id"]))
			confirmed := o["state"] == "sale" || s.opts.Version < 17 && o["state"] == "done"
			if confirmed && !(l["is_delivery"] == true && has(s.opts.Modules, "delivery")) {
				return userError("%s", lineUnlinkMessage(s.opts.Version))
			}
		}
		return nil
	}
}
