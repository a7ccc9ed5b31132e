package flow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The base configuration route copies a shop's methods, categories, storefronts
// and campaigns to the ERP, on demand; the campaign prices route sends the ERP's
// quantity rules of those pricelists back to the shop's campaigns.

func init() {
	RegisterKind(Kind{
		Name:       "base_config",
		Title:      "Base configuration",
		NewOptions: func() any { return nil },
		Register:   registerConfig,
		Pass:       passConfig,
		From:       need[ConfigSource]("a configuration source"),
		To:         need[ConfigSink]("a configuration target"),
	})
	RegisterKind(Kind{
		Name:       "campaign_prices",
		Title:      "Campaign prices",
		NewOptions: func() any { return nil },
		Register:   registerCampaignPrices,
		Pass:       passCampaignPrices,
		From:       need[PricelistSource]("a pricelist source"),
		To:         need[CampaignSink]("a campaign target"),
	})
}

const (
	pricelistLink = "pricelist"
	carrierLink   = "carrier"
	categoryLink  = "category"
)

// ConfigArgs applies a shop's configuration to the ERP.
type ConfigArgs struct {
	Route string `json:"route" river:"unique"`
	// Key makes each run its own job: applying is cheap and repairs what was
	// deleted in the ERP since.
	Key    string           `json:"key" river:"unique"`
	Config model.ShopConfig `json:"config"`
}

// Kind implements river.JobArgs.
func (ConfigArgs) Kind() string { return "base_config.apply" }

// JobRoute implements jobs.Args.
func (a ConfigArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a ConfigArgs) JobEntity() string { return "base configuration" }

func registerConfig(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[ConfigArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := applyConfig(ctx, rt, r, job.Args.Config)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

func passConfig(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	src, err := As[ConfigSource](ctx, rt, r, r.From, "a configuration source")
	if err != nil {
		return Result{}, err
	}
	cfg, err := src.ShopConfig(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("route %s: reading the configuration of %s: %w", r.Name, r.From, err)
	}
	if p.DryRun != nil {
		for _, m := range cfg.ShippingMethods {
			p.DryRun.Record(Action{Op: "ensure carrier", Target: r.To, Entity: m.Name})
		}
		for _, c := range cfg.Categories {
			p.DryRun.Record(Action{Op: "ensure category", Target: r.To, Entity: c.Name})
		}
		for _, c := range cfg.Campaigns {
			p.DryRun.Record(Action{Op: "ensure archived pricelist", Target: r.To, Entity: c.Name})
		}
		return Result{Updated: len(cfg.ShippingMethods) + len(cfg.Categories) + len(cfg.Campaigns)}, nil
	}
	if _, err := rt.Queue.Enqueue(ctx, jobs.Insert{Args: ConfigArgs{Route: r.Name, Key: time.Now().UTC().Format(time.RFC3339Nano), Config: cfg}, Queue: jobs.QueueName(r.To)}); err != nil {
		return Result{}, err
	}
	return Result{Enqueued: 1, Queued: 1}, nil
}

func applyConfig(ctx context.Context, rt *Runtime, r Route, cfg model.ShopConfig) (Result, error) {
	sink, err := As[ConfigSink](ctx, rt, r, r.To, "a configuration target")
	if err != nil {
		return Result{}, err
	}
	out, err := sink.ApplyShopConfig(ctx, cfg)
	if err != nil {
		return Result{}, fmt.Errorf("route %s: applying the configuration of %s to %s: %w", r.Name, r.From, r.To, err)
	}
	now := time.Now().UTC()
	for kind, m := range map[string]map[model.RemoteID]model.RemoteID{carrierLink: out.Carriers, categoryLink: out.Categories, pricelistLink: out.Pricelists} {
		for shopID, erpID := range m {
			err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: kind, LocalID: r.From + ":" + shopID, RemoteID: erpID, SyncedAt: now})
			if err != nil && !errors.Is(err, store.ErrLinkConflict) {
				return Result{}, err
			}
		}
	}
	// The payment methods are what the orders and payments routes map; list them
	// for the person who writes those mappings.
	var names []string
	for _, m := range cfg.PaymentMethods {
		names = append(names, m.Name)
	}
	sort.Strings(names)
	rt.logLine(ctx, store.LevelInfo, r.Name, "base configuration", fmt.Sprintf("%d records created in %s, %d there already; payment methods of %s: %s", out.Created, r.To, out.Existing, r.From, strings.Join(names, ", ")))
	return Result{Created: out.Created, Unchanged: out.Existing}, nil
}

// CampaignArgs sends one pricelist's rules to its campaign.
type CampaignArgs struct {
	Route      string          `json:"route" river:"unique"`
	CampaignID string          `json:"campaign_id" river:"unique"`
	Key        string          `json:"key" river:"unique"`
	Pricelist  model.Pricelist `json:"pricelist"`
}

// Kind implements river.JobArgs.
func (CampaignArgs) Kind() string { return "campaign_prices.set" }

// JobRoute implements jobs.Args.
func (a CampaignArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a CampaignArgs) JobEntity() string {
	return "campaign " + a.CampaignID + " (" + a.Pricelist.Name + ")"
}

func registerCampaignPrices(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[CampaignArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := setCampaign(ctx, rt, r, job.Args.CampaignID, job.Args.Pricelist, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

// passCampaignPrices reads the pricelists the base configuration made from the
// shop's campaigns and enqueues those whose rules changed.
func passCampaignPrices(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: pricelistLink})
	if err != nil {
		return Result{}, err
	}
	byPricelist := map[string]string{}
	var ids []string
	for _, l := range links {
		if campaign, ok := strings.CutPrefix(l.LocalID, r.To+":"); ok {
			byPricelist[l.RemoteID] = campaign
			ids = append(ids, l.RemoteID)
		}
	}
	if len(ids) == 0 {
		rt.logLine(ctx, store.LevelWarn, r.Name, "", fmt.Sprintf("no %s pricelist is linked to a %s campaign yet: run the base configuration route first", r.From, r.To))
		return Result{}, nil
	}
	src, err := As[PricelistSource](ctx, rt, r, r.From, "a pricelist source")
	if err != nil {
		return Result{}, err
	}
	lists, err := src.Pricelists(ctx, ids)
	if err != nil {
		return Result{}, fmt.Errorf("route %s: reading pricelists from %s: %w", r.Name, r.From, err)
	}
	var res Result
	var ins []jobs.Insert
	for _, pl := range lists {
		campaign := byPricelist[pl.ID]
		sent, err := rt.Store.GetLinkByLocal(ctx, r.To, "campaign_rules", r.From+":"+pl.ID)
		if err == nil && sent.Hash == Hash(pl.Rules) {
			res.Unchanged++
			continue
		}
		if p.DryRun != nil {
			r2, _ := setCampaign(ctx, rt, r, campaign, pl, p.DryRun)
			res = res.Add(r2)
			continue
		}
		ins = append(ins, jobs.Insert{Args: CampaignArgs{Route: r.Name, CampaignID: campaign, Key: Hash(pl.Rules), Pricelist: pl}, Queue: jobs.QueueName(r.To)})
	}
	if p.DryRun != nil {
		return res, nil
	}
	if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
		return Result{}, err
	}
	res.Enqueued, res.Queued = len(ins), len(ins)
	return res, nil
}

// campaignRule says why a pricelist rule cannot be a shop campaign price, or "".
func campaignRule(rule model.PriceRule) string {
	switch {
	case rule.SKU == "":
		scope := rule.Scope
		if scope == "" {
			scope = "something other than a product"
		}
		return "it targets " + scope + "; campaign prices must target a product"
	case rule.MinQuantity < 0:
		return "its minimum quantity is " + rule.MinQuantity.String() + "; campaign prices need a minimum quantity of at least 1"
	case rule.FixedPrice == nil && rule.DiscountPercent == nil:
		return "it has no price"
	}
	return ""
}

func setCampaign(ctx context.Context, rt *Runtime, r Route, campaign string, pl model.Pricelist, dry *DryRun) (Result, error) {
	var res Result
	var rules []model.PriceRule
	for i, rule := range pl.Rules {
		// Odoo's default minimum quantity is 0, which means any quantity:
		// one, for a shop.
		if rule.MinQuantity == 0 {
			rule.MinQuantity = model.DecimalFromInt(1)
		}
		// A rule a campaign cannot hold is skipped with the reason (there is
		// no job to retry: the pricelist has to change).
		if why := campaignRule(rule); why != "" {
			res.Skipped++
			if dry == nil {
				rt.logLine(ctx, store.LevelWarn, r.Name, fmt.Sprintf("pricelist %s rule %d", pl.Name, i+1), "rule not sent to campaign "+campaign+": "+why)
			} else {
				dry.Record(Action{Op: "reject rule", Target: r.To, Entity: fmt.Sprintf("pricelist %s rule %d", pl.Name, i+1), Detail: why})
			}
			continue
		}
		rules = append(rules, rule)
	}
	if dry != nil {
		dry.Record(Action{Op: "set campaign prices", Target: r.To, Entity: "campaign " + campaign, Detail: fmt.Sprintf("%d rules from pricelist %s", len(rules), pl.Name)})
		res.Updated += len(rules)
		return res, nil
	}
	sink, err := As[CampaignSink](ctx, rt, r, r.To, "a campaign target")
	if err != nil {
		return res, err
	}
	rejected, err := sink.SetCampaignRules(ctx, campaign, rules)
	if err != nil {
		return res, fmt.Errorf("campaign %s: %w", campaign, err)
	}
	for i, why := range rejected {
		res.Skipped++
		rt.logLine(ctx, store.LevelWarn, r.Name, "SKU "+rules[i].SKU, "campaign "+campaign+" refused the price: "+why)
	}
	res.Updated += len(rules) - len(rejected)
	err = rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: "campaign_rules", LocalID: r.From + ":" + pl.ID, RemoteID: campaign, Hash: Hash(pl.Rules), SyncedAt: time.Now().UTC()})
	if err != nil && !errors.Is(err, store.ErrLinkConflict) {
		return res, err
	}
	return res, nil
}
