// Command service is a small HTTP service with a leak, for heapdiff's end-to-end test of
// `heapdiff watch` against a live process: every request to /work registers a session that is
// never removed (a 296-byte session, 320 bytes in Go's size classes), and /metrics counts the
// requests and the session bytes the program retained for them, in the Prometheus text format.
// net/http/pprof serves /debug/pprof/heap with every allocation recorded.
//
// Usage: go run . -addr 127.0.0.1:0 (prints the address it listens on, then serves)
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

type session struct {
	id    int64
	state [36]int64
}

// registry keeps sessions in a slice sized up front, so that what a request retains is the
// session alone: 320 bytes (Go's size class for the 296-byte struct).
type registry struct {
	mu       sync.Mutex
	sessions []*session
}

// sessionBytes is what one request retains, by the program's own count.
const sessionBytes = 320

// register keeps every session it is given: the leak.
func (r *registry) register(id int64) {
	s := &session{id: id}
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
}

func main() {
	runtime.MemProfileRate = 1
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	reg := &registry{sessions: make([]*session, 0, 1<<20)}
	var requests int64
	http.HandleFunc("/work", func(w http.ResponseWriter, _ *http.Request) {
		n := atomic.AddInt64(&requests, 1)
		reg.register(n)
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		n := atomic.LoadInt64(&requests)
		fmt.Fprintf(w, "# TYPE http_requests_total counter\nhttp_requests_total %d\n", n)
		fmt.Fprintf(w, "# TYPE session_bytes_total counter\nsession_bytes_total %d\n", n*sessionBytes)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
