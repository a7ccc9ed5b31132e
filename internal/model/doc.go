// Package model holds ferry's canonical entities: the shapes every connector maps its
// wire format to and from. The types are plain data with no I/O, so that a route can
// move an order from any source to any target through one vocabulary.
//
// Identifiers of remote records are strings (RemoteID) because systems disagree on
// their type: MyCashflow and Odoo use integers, Shopify uses GIDs. Money and
// quantities are Decimal values with four fractional digits, so totals add up the
// same way on every side and never drift through float rounding.
package model
