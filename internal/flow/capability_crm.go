package flow

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The capabilities of the two-way routes between a CRM and an ERP (companies,
// contacts, crm_products; twoway.go) and of the sales route (ERP → CRM). A
// two-way route's ends are both a source and a sink of the same records, since
// a change decided on both sides (a conflict) is written back to its source
// too.

// CompanySource lists companies that changed.
type CompanySource interface {
	// ChangedCompanies reads the companies changed at or after since, oldest
	// change first, archived ones too, a page at a time with the page's
	// checkpoint, as ChangedOrders does; companies that cannot be read come
	// in bad.
	ChangedCompanies(ctx context.Context, since time.Time, page func(companies []model.Company, bad []error, through time.Time) error) error
}

// CompanySink reads and writes companies by id and finds them by Ref.
type CompanySink interface {
	// ReadCompanies returns the companies with these ids, archived ones too;
	// ids the system no longer has are left out.
	ReadCompanies(ctx context.Context, ids []string) ([]model.Company, error)
	// FindCompanies returns, for each ref, the one company holding it (refs
	// compared without blanks, dots and hyphens, case-insensitively).
	FindCompanies(ctx context.Context, refs []string) ([]model.Match[model.Company], error)
	// WriteCompanies updates (RemoteID) or creates each company; a create
	// whose answer was lost is looked up by Ref before it is sent again. One
	// result per company, in order.
	WriteCompanies(ctx context.Context, ws []model.Upsert[model.Company]) ([]model.Written[model.Company], error)
}

// CompanySide is either end of a companies route.
type CompanySide interface {
	CompanySource
	CompanySink
}

// ContactSource lists contacts (people) that changed.
type ContactSource interface {
	// ChangedContacts reads the people changed at or after since, as
	// ChangedCompanies does.
	ChangedContacts(ctx context.Context, since time.Time, page func(contacts []model.Contact, bad []error, through time.Time) error) error
}

// ContactSink reads and writes contacts by id and finds them by key.
type ContactSink interface {
	// ReadContacts returns the contacts with these ids; ids the system no
	// longer has are left out.
	ReadContacts(ctx context.Context, ids []string) ([]model.Contact, error)
	// FindContacts returns, for each key (ContactKey: a lower-case e-mail,
	// else "ref:" and a tax id), the one contact holding it.
	FindContacts(ctx context.Context, keys []string) ([]model.Match[model.Contact], error)
	// WriteContacts updates or creates each contact, linked to the company
	// holding its CompanyRef (model.ErrNoCompany when there is none).
	WriteContacts(ctx context.Context, ws []model.Upsert[model.Contact]) ([]model.Written[model.Contact], error)
}

// ContactSide is either end of a contacts route.
type ContactSide interface {
	ContactSource
	ContactSink
}

// CRMProductSource lists products (one per SKU) that changed.
type CRMProductSource interface {
	// ChangedCRMProducts reads the products changed at or after since, as
	// ChangedCompanies does: one record per sellable SKU (an ERP's variant).
	ChangedCRMProducts(ctx context.Context, since time.Time, page func(products []model.CRMProduct, bad []error, through time.Time) error) error
}

// CRMProductSink reads and writes products by id and finds them by SKU.
type CRMProductSink interface {
	ReadCRMProducts(ctx context.Context, ids []string) ([]model.CRMProduct, error)
	// FindCRMProducts returns, for each SKU (compared trimmed), the one
	// product holding it.
	FindCRMProducts(ctx context.Context, skus []string) ([]model.Match[model.CRMProduct], error)
	WriteCRMProducts(ctx context.Context, ws []model.Upsert[model.CRMProduct]) ([]model.Written[model.CRMProduct], error)
}

// CRMProductSide is either end of a crm_products route.
type CRMProductSide interface {
	CRMProductSource
	CRMProductSink
}

// SaleOrderSource reports an ERP's sale orders.
type SaleOrderSource interface {
	// ChangedSaleOrders reads the sale orders changed at or after since that
	// are or were confirmed (states sale, done and cancel; a quotation is
	// not), oldest change first, a page at a time with the page's checkpoint.
	ChangedSaleOrders(ctx context.Context, since time.Time, page func(orders []model.SaleOrder, bad []error, through time.Time) error) error
}

// CRMOrderSink takes sale orders into a CRM.
type CRMOrderSink interface {
	// UpsertCRMOrders updates (RemoteID) or creates each order with its
	// items, a create whose answer was lost looked up by the order's number
	// before it is sent again. An order to update that the CRM no longer has
	// is model.ErrGone. One result per order, in order.
	UpsertCRMOrders(ctx context.Context, os []model.CRMOrder) ([]model.WriteResult, error)
}

// RecordHinter is a system whose webhooks name the record that changed (a
// CRM that fires one for every change, its API's included): the two-way
// routes from it sync that record at once, reading it afresh.
type RecordHinter interface {
	// RecordHint reads a verified delivery.
	RecordHint(body []byte) (model.RecordHint, error)
}
