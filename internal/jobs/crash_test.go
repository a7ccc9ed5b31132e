package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/remote"
	"github.com/ferryhub/ferry/internal/store"
)

// The crash test runs the queue in a child process (this test binary again, with
// FERRY_JOBS_CHILD set), kills it with SIGKILL in the middle of a job, starts it
// again, and checks that the job ran to completion and its remote effect happened
// exactly once.

func TestMain(m *testing.M) {
	switch os.Getenv("FERRY_JOBS_CHILD") {
	case "crash":
		if err := crashChild(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "bench":
		if err := benchChild(); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// createArgs asks for a record with natural key Key to exist in the remote.
type createArgs struct {
	Key string `json:"key" river:"unique"`
}

func (createArgs) Kind() string        { return "test.create_remote" }
func (createArgs) JobRoute() string    { return "crash" }
func (a createArgs) JobEntity() string { return "thing " + a.Key }

// crashChild works jobs until it is killed. Its handler does what every ferry
// flow does: link lookup, natural-key lookup in the remote, create, link. Where
// FERRY_PAUSE says, it stalls after a step so the parent can kill it there.
func crashChild() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// The child runs workers, so it owns a SQLite file as ferry serve does.
	st, err := store.Open(ctx, store.Options{URL: os.Getenv("FERRY_STORE_URL"), DataDir: os.TempDir(), Own: true})
	if err != nil {
		return err
	}
	defer st.Close()
	base, pause := os.Getenv("FERRY_REMOTE"), os.Getenv("FERRY_PAUSE")
	caller := remote.New(remote.Policy{System: "crashremote", Timeout: 2 * time.Second}, nil)
	stall := func(ctx context.Context, step string) {
		if pause == step {
			<-ctx.Done()
		}
	}
	reg := jobs.NewRegistry()
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[createArgs]) error {
		key := job.Args.Key
		if _, err := st.GetLinkByLocal(ctx, "remote", "thing", key); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		resp, err := caller.Do(ctx, remote.Request{Method: "GET", URL: base + "/things?key=" + key, Idempotent: true})
		if err != nil {
			return err
		}
		var found struct{ ID string }
		if resp.Status == http.StatusOK {
			json.Unmarshal(resp.Body, &found)
		} else {
			resp, err := caller.Do(ctx, remote.Request{Method: "POST", URL: base + "/things?key=" + key})
			if err != nil {
				return err
			}
			json.Unmarshal(resp.Body, &found)
			stall(ctx, "after_create")
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if err := st.PutLink(ctx, store.Link{Connection: "remote", Kind: "thing", LocalID: key, RemoteID: found.ID, SyncedAt: time.Now()}); err != nil {
			return err
		}
		stall(ctx, "after_link")
		return ctx.Err()
	})
	q, err := jobs.Open(ctx, st, reg, jobs.Options{
		Work: true, PollInterval: 100 * time.Millisecond, JobTimeout: 5 * time.Second, RescueAfter: 6 * time.Second,
		RetryBase: 100 * time.Millisecond, Heartbeat: 200 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	if err := q.Start(ctx); err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return q.Stop(sctx)
}

// thingRemote is the remote system: records by natural key, and a log of creates.
type thingRemote struct {
	mu      sync.Mutex
	things  map[string]string
	creates int
	created chan string
}

func (r *thingRemote) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := req.URL.Query().Get("key")
	switch req.Method {
	case http.MethodGet:
		id, ok := r.things[key]
		if !ok {
			http.NotFound(w, req)
			return
		}
		fmt.Fprintf(w, `{"ID":%q}`, id)
	case http.MethodPost:
		r.creates++
		id := fmt.Sprintf("T%d", r.creates)
		r.things[key] = id
		fmt.Fprintf(w, `{"ID":%q}`, id)
		select {
		case r.created <- key:
		default:
		}
	}
}

func startChild(t *testing.T, storeURL, remoteURL, pause string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FERRY_JOBS_CHILD=crash", "FERRY_STORE_URL="+storeURL, "FERRY_REMOTE="+remoteURL, "FERRY_PAUSE="+pause)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

func TestKilledJobRunsAgainWithEffectOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills subprocesses; takes about 25 s")
	}
	for _, pause := range []string{"after_create", "after_link"} {
		t.Run(pause, func(t *testing.T) {
			t.Parallel()
			dialects(t, func(t *testing.T, storeURL string) {
				ctx := context.Background()
				rem := &thingRemote{things: map[string]string{}, created: make(chan string, 1)}
				srv := httptest.NewServer(rem)
				defer srv.Close()

				st, err := store.Open(ctx, store.Options{URL: storeURL, DataDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				q, err := jobs.Open(ctx, st, nil, jobs.Options{})
				if err != nil {
					t.Fatal(err)
				}
				res, err := q.Enqueue(ctx, jobs.Insert{Args: createArgs{Key: "A-1"}})
				if err != nil {
					t.Fatal(err)
				}

				child := startChild(t, storeURL, srv.URL, pause)
				select {
				case <-rem.created:
				case <-time.After(30 * time.Second):
					t.Fatal("the child never created the remote record")
				}
				if pause == "after_link" {
					waitFor(t, func() bool { _, err := st.GetLinkByLocal(ctx, "remote", "thing", "A-1"); return err == nil })
				}
				// The job is mid-run: kill the process with no chance to clean up.
				if err := child.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				child.Wait()
				if info, _ := q.Get(ctx, res.ID); info.State != jobs.StateRunning {
					t.Fatalf("after the kill the job is %s, want running (interrupted)", info.State)
				}

				restarted := startChild(t, storeURL, srv.URL, "")
				restartedAt := time.Now()
				deadline := time.Now().Add(60 * time.Second)
				var info jobs.Info
				for time.Now().Before(deadline) {
					info, err = q.Get(ctx, res.ID)
					if err != nil {
						t.Fatal(err)
					}
					if info.State == jobs.StateCompleted {
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
				took := time.Since(restartedAt)
				restarted.Process.Signal(syscall.SIGTERM)
				if info.State != jobs.StateCompleted {
					t.Fatalf("after restart the job is %s (attempt %d, %s), want completed", info.State, info.Attempt, info.LastError)
				}
				// On SQLite the one process that owns the file takes the dead
				// one's running jobs back at its start, not after rescue_after
				// (6 s here).
				// On PostgreSQL the restarted process sees that the dead one
				// stopped beating (three beats of 200 ms) and takes its job
				// back, before rescue_after too.
				if took > 4*time.Second {
					t.Fatalf("the restarted process finished the job after %v, want it taken back within seconds", took)
				}
				rem.mu.Lock()
				defer rem.mu.Unlock()
				if rem.creates != 1 {
					t.Fatalf("the remote record was created %d times, want exactly once", rem.creates)
				}
				link, err := st.GetLinkByLocal(ctx, "remote", "thing", "A-1")
				if err != nil || link.RemoteID != "T1" {
					t.Fatalf("link = %+v, %v; want A-1 → T1", link, err)
				}
				if info.Attempt < 2 {
					t.Fatalf("the job ran %d time(s); it should have run again after the kill", info.Attempt)
				}
			})
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
