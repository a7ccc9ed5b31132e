package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrOwned is returned by Open with Options.Own when another live process owns
// the SQLite file.
var ErrOwned = errors.New("another ferry process runs on this database")

// OwnedError names the process that owns a SQLite file.
type OwnedError struct {
	Path string
	PID  int
}

func (e *OwnedError) Error() string {
	who := "another ferry process"
	if e.PID > 0 {
		who = fmt.Sprintf("ferry process %d", e.PID)
	}
	return fmt.Sprintf("%s runs on %s (one process per SQLite file: stop it, or use PostgreSQL for several)", who, e.Path)
}

func (e *OwnedError) Is(target error) bool { return target == ErrOwned }

// own takes the lock file beside a SQLite database for this process: an
// exclusive flock, which the kernel releases when the process ends however it
// ends (SIGKILL too), so a stale file never blocks a restart. The file holds
// the owner's pid for the message of the next one.
func own(dbPath string) (*os.File, error) {
	path := dbPath + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &OwnedError{Path: dbPath, PID: pid}
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
