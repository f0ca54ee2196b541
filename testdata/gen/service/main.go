// Command service is a small HTTP service with a leak, for heapdiff's end-to-end test of
// `heapdiff watch` against a live process: every request to /work?n=N does N units of work,
// each registering a session that is never removed (a 296-byte session, 320 bytes in Go's
// size classes) and storing a 512-byte rendering in a ring cache of 20,000 slots (10 MiB, full
// after the first 20,000 units: bounded, never a leak). /metrics counts the units of work
// (http_requests_total) and the session bytes the program retained for them, in the Prometheus
// text format. net/http/pprof serves /debug/pprof/heap at Go's default sampling rate
// (MemProfileRate 512 KiB, as production services run), or at -rate.
//
// Usage: go run . -addr 127.0.0.1:0 [-rate 1] (prints the address it listens on, then serves)
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
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

// ring is a cache of a fixed number of slots, each replaced in turn.
type ring struct {
	mu    sync.Mutex
	slots [][]byte
	next  int
}

func (c *ring) put(id int64) {
	b := make([]byte, 512)
	copy(b, strconv.FormatInt(id, 10))
	c.mu.Lock()
	c.slots[c.next] = b
	c.next = (c.next + 1) % len(c.slots)
	c.mu.Unlock()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	rate := flag.Int("rate", 0, "runtime.MemProfileRate (0: Go's default of 512 KiB)")
	flag.Parse()
	if *rate > 0 {
		runtime.MemProfileRate = *rate
	}
	reg := &registry{sessions: make([]*session, 0, 1<<21)}
	cache := &ring{slots: make([][]byte, 20000)}
	var requests int64
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		count, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || count < 1 {
			count = 1
		}
		for i := 0; i < count; i++ {
			n := atomic.AddInt64(&requests, 1)
			reg.register(n)
			cache.put(n)
		}
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
