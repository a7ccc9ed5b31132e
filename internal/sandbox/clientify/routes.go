package clientify

import (
	"net/http"
	"sort"
	"strings"
)

type handler func(s *Server, c *call) (int, any, *apiErr)

// route is one URL pattern. Segments are literals or variables: {id} (any
// segment, as DRF's router's [^/.]+; a non-integer id is a JSON 404), {res}
// (a resource), {sub} (a nested list) or {entity} (a webhook slot).
type route struct {
	name    string
	parts   []string
	noAuth  bool
	methods map[string]handler
}

func (rt *route) allow() string {
	var ms []string
	for m := range rt.methods {
		ms = append(ms, m)
	}
	if rt.methods[http.MethodGet] != nil {
		ms = append(ms, http.MethodHead)
	}
	ms = append(ms, http.MethodOptions)
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

// routes, literal ones first so that /deals/pipelines/ is not deal "pipelines".
var routes = []*route{
	{name: "Api Root", parts: nil, methods: map[string]handler{"GET": apiRoot}},
	{name: "Me", parts: []string{"me"}, methods: map[string]handler{"GET": getMe}},
	{name: "User List", parts: []string{"users"}, methods: map[string]handler{"GET": listUsers}},
	{name: "User Instance", parts: []string{"users", "{id}"}, methods: map[string]handler{"GET": getUser}},
	{name: "My Account", parts: []string{"settings", "my-account"}, methods: map[string]handler{"GET": getSettings}},
	{name: "Obtain Auth Token", parts: []string{"api-auth", "obtain_token"}, noAuth: true, methods: map[string]handler{"POST": obtainToken}},
	{name: "Custom Field List", parts: []string{"custom-fields"}, methods: map[string]handler{"GET": listCustomFields}},
	{name: "Custom Field Instance", parts: []string{"custom-fields", "{id}"}, methods: map[string]handler{"GET": getCustomField}},
	{name: "Pipeline List", parts: []string{"deals", "pipelines"}, methods: map[string]handler{"GET": listPipelines}},
	{name: "Stage List", parts: []string{"deals", "pipelines", "stages"}, methods: map[string]handler{"GET": listStages}},
	{name: "Stage Instance", parts: []string{"deals", "pipelines", "stages", "{id}"}, methods: map[string]handler{"GET": getStage}},
	{name: "Pipeline Instance", parts: []string{"deals", "pipelines", "{id}"}, methods: map[string]handler{"GET": getPipeline}},
	{name: "Webhook Slot", parts: []string{"webhooks", "{entity}"}, methods: map[string]handler{"GET": getSlot, "POST": postSlot, "DELETE": deleteSlot}},
	{name: "Webhook Slot Activate", parts: []string{"webhooks", "{entity}", "activate"}, methods: map[string]handler{"POST": activateSlot}},
	{name: "List", parts: []string{"{res}"}, methods: map[string]handler{"GET": listRecords, "POST": createRecord}},
	{name: "Instance", parts: []string{"{res}", "{id}"}, methods: map[string]handler{"GET": getRecord, "PUT": putRecord, "PATCH": patchRecord, "DELETE": deleteRecord}},
	{name: "Nested List", parts: []string{"{res}", "{id}", "{sub}"}, methods: map[string]handler{"GET": listNested, "POST": addNested}},
	{name: "Nested Instance", parts: []string{"{res}", "{id}", "{sub}", "{id}"}, methods: map[string]handler{"GET": getNested, "PUT": putNested, "PATCH": patchNested, "DELETE": deleteNested}},
}

// matchRoute finds the route of a path below the version prefix (no slashes
// around it) and its variable segments in order.
func matchRoute(path string) (*route, []string) {
	var segs []string
	if path != "" {
		segs = strings.Split(path, "/")
	}
next:
	for _, rt := range routes {
		if len(rt.parts) != len(segs) {
			continue
		}
		var params []string
		for i, p := range rt.parts {
			seg := segs[i]
			switch p {
			case "{id}", "{entity}":
				if seg == "" || strings.Contains(seg, ".") {
					continue next
				}
			case "{res}":
				if byName[seg] == nil {
					continue next
				}
			case "{sub}":
				if !nestedNames[seg] || (len(params) > 0 && params[0] != "contacts" && params[0] != "companies") {
					continue next
				}
			default:
				if seg != p {
					continue next
				}
				continue
			}
			params = append(params, seg)
		}
		return rt, params
	}
	return nil, nil
}

func apiRoot(s *Server, c *call) (int, any, *apiErr) {
	base := c.origin + c.prefix
	out := obj{}
	for _, res := range resources {
		out = append(out, kv{res.name, base + "/" + res.name + "/"})
	}
	return http.StatusOK, out, nil
}
