package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// moduleRoot returns the folder of Herald's go.mod, from which the
// commands are built: the tool and its test run from anywhere inside it.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run inside Herald's module (go env GOMOD names no go.mod)")
	}
	return filepath.Dir(mod), nil
}

// binaries are the commands built for the trials.
type binaries struct {
	herald, gen string
}

// build builds cmd/herald and bench/gen into dir with one go build.
func build(ctx context.Context, root, dir string) (binaries, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator), "./cmd/herald", "./bench/gen")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return binaries{}, fmt.Errorf("go build ./cmd/herald ./bench/gen: %w\n%s", err, out)
	}
	return binaries{herald: filepath.Join(dir, "herald"), gen: filepath.Join(dir, "gen")}, nil
}

// proc is one herald process.
type proc struct {
	cmd   *exec.Cmd
	out   *tail         // its standard error, and its standard output after the first line
	first chan string   // its first line of standard output
	done  chan struct{} // closed once it has exited and been waited for
	err   error         // what Wait returned; read after done
}

// start starts bin with args in dir.
func start(bin, dir string, args ...string) (*proc, error) {
	p := &proc{cmd: exec.Command(bin, args...), out: &tail{max: 16 << 10},
		first: make(chan string, 1), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stdout = &firstLine{first: p.first, rest: p.out}
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) String() string {
	return "herald " + strings.Join(p.cmd.Args[1:], " ")
}

// kill sends SIGKILL and waits for the process to end. It reports
// whether the signal ended it: false when it had exited by itself first.
func (p *proc) kill() bool {
	select {
	case <-p.done:
		return false
	default:
	}
	// An error here means that the process has already exited; the wait
	// status below says how.
	_ = p.cmd.Process.Kill()
	<-p.done
	return !p.cmd.ProcessState.Exited()
}

// stop asks the process to end with SIGTERM, as an operator would, and
// waits for it; it returns an error if it did not exit cleanly.
func (p *proc) stop() error {
	select {
	case <-p.done:
	default:
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return err
		}
		<-p.done
	}
	return p.result()
}

// wait waits for the process to exit by itself.
func (p *proc) wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.result()
	case <-ctx.Done():
		p.kill()
		return ctx.Err()
	}
}

// result is the process's exit as an error with the end of its output.
func (p *proc) result() error {
	if p.err != nil {
		return fmt.Errorf("%s: %w\n%s", p, p.err, p.out)
	}
	return nil
}

// firstLine passes the first line written to it to first, and the rest to
// rest.
type firstLine struct {
	first chan<- string
	rest  *tail
	line  []byte
	sent  bool
}

func (w *firstLine) Write(b []byte) (int, error) {
	if w.sent {
		return w.rest.Write(b)
	}
	w.line = append(w.line, b...)
	if i := bytes.IndexByte(w.line, '\n'); i >= 0 {
		w.first <- string(w.line[:i])
		w.sent = true
		w.rest.Write(w.line[i+1:])
		w.line = nil
	}
	return len(b), nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex // mu guards b
	b   []byte
	max int
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, b...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
