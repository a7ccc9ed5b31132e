package jobs

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
	"riverqueue.com/riverui/uiendpoints"
)

// UIEndpoints returns River UI's API over this queue's River client, for
// riverui.HandlerOpts.Endpoints (the dashboard mounts River's own UI for
// admins). Both drivers are served.
func (q *Queue) UIEndpoints() (uiendpoints.Bundle, error) {
	switch c := q.client.(type) {
	case *river.Client[pgx.Tx]:
		return riverui.NewEndpoints(c, nil), nil
	case *river.Client[*sql.Tx]:
		return riverui.NewEndpoints(c, nil), nil
	}
	return nil, fmt.Errorf("jobs: River UI cannot use a client of type %T", q.client)
}

// Driver names the queue's database driver: "sqlite" or "postgres".
func (q *Queue) Driver() string { return q.driverName }
