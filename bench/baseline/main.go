// Command baseline is the yardstick for Herald's page benchmarks: a minimal
// net/http server that answers every request with the same bytes, held in
// memory. It fetches those bytes once from a running Herald page, so both
// servers send an identical response and only the serving differs.
//
//	go run ./bench/baseline -copy http://127.0.0.1:8080/articles/some-slug -addr 127.0.0.1:8090
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	from := flag.String("copy", "", "the page whose bytes to serve")
	addr := flag.String("addr", "127.0.0.1:8090", "the address to listen on")
	flag.Parse()
	if *from == "" {
		fmt.Fprintln(os.Stderr, "baseline: -copy URL is required")
		os.Exit(2)
	}
	resp, err := http.Get(*from)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "baseline: copy %s: status %d, %v\n", *from, resp.StatusCode, err)
		os.Exit(1)
	}
	contentType := resp.Header.Get("Content-Type")
	fmt.Printf("serving %d bytes copied from %s on http://%s\n", len(body), *from, *addr)
	err = http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	}))
	fmt.Fprintln(os.Stderr, "baseline:", err)
	os.Exit(1)
}
