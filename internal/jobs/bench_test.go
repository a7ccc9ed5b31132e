package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// noopArgs is a job that does nothing, to measure the queue itself.
type noopArgs struct {
	N int `json:"n" river:"unique"`
}

func (noopArgs) Kind() string        { return "bench.noop" }
func (noopArgs) JobRoute() string    { return "bench" }
func (a noopArgs) JobEntity() string { return strconv.Itoa(a.N) }

const benchWorkers = 100

func registerNoop() *jobs.Registry {
	reg := jobs.NewRegistry()
	jobs.Register(reg, func(context.Context, *jobs.Job[noopArgs]) error { return nil })
	return reg
}

// benchChild works no-op jobs until SIGTERM.
func benchChild() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, store.Options{URL: os.Getenv("FERRY_STORE_URL"), DataDir: os.TempDir()})
	if err != nil {
		return err
	}
	defer st.Close()
	q, err := jobs.Open(ctx, st, registerNoop(), jobs.Options{Work: true, Workers: benchWorkers, PollInterval: 50 * time.Millisecond})
	if err != nil {
		return err
	}
	// Start only when the parent says go, so that process start-up is not timed.
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	if err := q.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return q.Stop(sctx)
}

// BenchmarkQueueThroughput measures how many no-op jobs per second the queue
// completes: b.N jobs are enqueued first (not timed), then workers in 1 or 3
// processes burn them down. Run with e.g. -benchtime=20000x.
func BenchmarkQueueThroughput(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchQueue(b, storetest.SQLiteURL(b), 0) })
	b.Run("postgres_1proc", func(b *testing.B) { benchQueue(b, storetest.PostgresURL(b), 1) })
	b.Run("postgres_3proc", func(b *testing.B) { benchQueue(b, storetest.PostgresURL(b), 3) })
}

// benchQueue enqueues b.N jobs, then works them in-process (procs 0) or in procs
// child processes, and reports jobs/s.
func benchQueue(b *testing.B, url string, procs int) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: url, DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	q, err := jobs.Open(ctx, st, registerNoop(), jobs.Options{Work: procs == 0, Workers: benchWorkers, PollInterval: 50 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	for i := 0; i < b.N; i += batch {
		var ins []jobs.Insert
		for j := i; j < i+batch && j < b.N; j++ {
			ins = append(ins, jobs.Insert{Args: noopArgs{N: j}})
		}
		if _, err := q.EnqueueMany(ctx, ins); err != nil {
			b.Fatal(err)
		}
	}
	var gos []io.WriteCloser
	for i := 0; i < procs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
		cmd.Env = append(os.Environ(), "FERRY_JOBS_CHILD=bench", "FERRY_STORE_URL="+url)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		gos = append(gos, stdin)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			b.Fatalf("worker process %d did not start: %q %v", i, line, err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	if procs == 0 {
		if err := q.Start(ctx); err != nil {
			b.Fatal(err)
		}
		defer q.Stop(ctx)
	}
	for _, w := range gos {
		fmt.Fprintln(w, "go")
	}
	for {
		done, err := completed(ctx, st)
		if err != nil {
			b.Fatal(err)
		}
		if done >= int64(b.N) {
			break
		}
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("only %d of %d jobs completed in 10 minutes", done, b.N)
		}
		time.Sleep(20 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "jobs/s")
	b.ReportMetric(0, "ns/op")
}

func completed(ctx context.Context, st store.Store) (int64, error) {
	var n int64
	err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state = 'completed'`).Scan(&n)
	return n, err
}
