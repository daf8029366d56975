package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeStopsOnSIGTERM runs the real binary, as systemd would, and
// sends it SIGTERM while a request is in flight (its headers sent, its
// body still coming): the request is answered in full, new connections
// are refused, and the process exits 0 within the stated bound.
func TestServeStopsOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "herald")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db, _ := populatedDB(t)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--backup-dir", t.TempDir())
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address: %v\n%s", err, stderr.String())
	}
	host := strings.TrimPrefix(strings.TrimSpace(first), "http://")

	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "email=editor%40site.example&password=not+the+password"
	fmt.Fprintf(conn, "POST /admin/signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		host, len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // the server is reading the body

	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after SIGTERM")
	}
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatalf("finishing the request: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("the request in flight: %s", resp.Status)
	}

	bound := stopWithin + 10*time.Second // and the store's close
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("herald serve exited with %v after SIGTERM\n%s", err, stderr.String())
		}
		t.Logf("exited %v after SIGTERM (bound %v)", time.Since(signalled).Round(time.Millisecond), bound)
	case <-time.After(bound):
		t.Fatalf("herald serve still running %v after SIGTERM\n%s", bound, stderr.String())
	}
}
