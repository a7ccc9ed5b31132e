package ongoing

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run when webhook delivery goroutines outlive the tests
// (every test closes its sandbox).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if n := deliveryGoroutines(time.Second); n > 0 {
			fmt.Fprintf(os.Stderr, "%d webhook delivery goroutines leaked\n", n)
			code = 1
		}
	}
	os.Exit(code)
}

// deliveryGoroutines counts running (*hookQueue).run goroutines, waiting up to
// grace for them to end.
func deliveryGoroutines(grace time.Duration) int {
	deadline := time.Now().Add(grace)
	for {
		buf := make([]byte, 1<<20)
		n := strings.Count(string(buf[:runtime.Stack(buf, true)]), "(*hookQueue).run(")
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}
