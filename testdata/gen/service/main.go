// Command service is a small HTTP service with a leak, for heapdiff's end-to-end test of
// `heapdiff watch` against a live process: every request to /work registers a session that is
// never removed (about 300 bytes each), and /metrics counts the requests in the Prometheus text
// format. net/http/pprof serves /debug/pprof/heap with every allocation recorded.
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

type registry struct {
	mu       sync.Mutex
	sessions map[int64]*session
}

// register keeps every session it is given: the leak.
func (r *registry) register(id int64) {
	s := &session{id: id}
	r.mu.Lock()
	r.sessions[id] = s
	r.mu.Unlock()
}

func main() {
	runtime.MemProfileRate = 1
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	reg := &registry{sessions: map[int64]*session{}}
	var requests int64
	http.HandleFunc("/work", func(w http.ResponseWriter, _ *http.Request) {
		n := atomic.AddInt64(&requests, 1)
		reg.register(n)
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "# TYPE http_requests_total counter\nhttp_requests_total %d\n", atomic.LoadInt64(&requests))
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
