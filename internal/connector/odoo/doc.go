// Package odoo is ferry's client of Odoo 16, 17, 18 and 19 and the mapping
// between Odoo's records and internal/model. It is written from
// shared/reference/odoo.md and shares no code with internal/sandbox/odoo.
//
// Transport: JSON-RPC (POST /jsonrpc, services common and object, execute_kw)
// for 16–18, and the JSON-2 API (POST /json/2/<model>/<method>, bearer API key)
// for 19 and later, chosen from common.version or forced by Settings.Protocol.
// Every call goes through remote.Caller (timeouts, retries, rate limit, metrics,
// redaction of the API key, which JSON-RPC carries in the body).
//
// Odoo's wire habits are decoded once, here: false for empty values, [id, name]
// for many2one, [ids] for x2many, UTC "YYYY-MM-DD HH:MM:SS" datetimes, and a
// missing "result" for methods that return None. Errors are typed by
// error.data.name (AccessDenied, ValidationError, UserError, MissingError,
// AccessError); database errors are transient.
//
// Each call is one Odoo transaction and may commit even when the answer is lost
// (a timeout, a dropped connection, the XML-RPC None trap). Writes are therefore
// not retried blindly: creates look records up by their natural key first
// (client_order_ref, default_code, e-mail, name) and again after an ambiguous
// failure.
//
// Besides the flow capabilities, the client writes products with attributes
// and variants into Odoo (UpsertProducts: the SKU and barcode on each
// variant), ships deliveries in part (ShipPartial, leaving a backorder), and
// reads change feeds (Changes) of partners, products, variants, quants, moves,
// pickings and invoices since a (write_date, id) cursor.
package odoo
