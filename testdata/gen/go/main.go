// Command gen writes the Go heap profiles in heapdiff's testdata/go/.
//
// It simulates a small request-serving process in one of three shapes and writes a heap
// snapshot (profile.proto, gzipped, and Go's legacy text format) after every step:
//
//	leak    a subscription hub that keeps every subscriber it registers (the leak is in
//	        (*hub).subscribe: one 256-byte subscriber per request, plus map growth), next to
//	        request churn that is all garbage by the next GC.
//	cache   a bounded LRU cache of rendered pages (capacity 300 entries of 2,048 bytes): it grows,
//	        then stays flat. Not a leak.
//	steady  request churn only: nothing is retained.
//
// runtime.MemProfileRate is 1 (every allocation recorded, exact values) unless
// HEAPDIFF_GEN_RATE says otherwise (0 keeps Go's default of 512 KiB). Each snapshot is taken
// right after a forced GC, with GC otherwise off while writing, so the proto and the text file
// describe the same cycle. groundtruth.json records what the program itself counted.
//
// Usage: go run . -mode leak -out ../../go/leak -snapshots 4 -step 500
package main

import (
	"bytes"
	"container/list"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
)

func init() {
	rate := 1
	if s := os.Getenv("HEAPDIFF_GEN_RATE"); s != "" {
		rate, _ = strconv.Atoi(s)
	}
	if rate > 0 {
		runtime.MemProfileRate = rate
	}
}

// subscriber is 256 bytes: the leaked object.
type subscriber struct {
	id     uint64
	topic  [48]byte
	filter [200]byte
}

type hub struct {
	subs map[uint64]*subscriber
}

var sink []byte

//go:noinline
func (h *hub) subscribe(id uint64) *subscriber {
	s := &subscriber{id: id}
	copy(s.topic[:], "orders.updates")
	h.subs[id] = s // never removed: the leak
	return s
}

//go:noinline
func parseRequest(id uint64) map[string]string {
	m := make(map[string]string, 4)
	m["path"] = "/v1/stream/" + strconv.FormatUint(id, 10)
	m["accept"] = "text/event-stream"
	return m
}

//go:noinline
func renderBody(req map[string]string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "event: hello\ndata: %s\n\n", req["path"])
	out := make([]byte, 4096)
	copy(out, b.Bytes())
	return out
}

type lru struct {
	cap   int
	ll    *list.List
	items map[string]*list.Element
}

type page struct {
	key  string
	body []byte
}

//go:noinline
func renderPage(key string) []byte {
	b := make([]byte, 2048)
	copy(b, key)
	return b
}

//go:noinline
func (c *lru) get(key string) []byte {
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*page).body
	}
	p := &page{key: key, body: renderPage(key)}
	c.items[key] = c.ll.PushFront(p)
	if c.ll.Len() > c.cap {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*page).key)
	}
	return p.body
}

//go:noinline
func serve(mode string, h *hub, c *lru, id uint64) {
	req := parseRequest(id)
	body := renderBody(req)
	switch mode {
	case "leak":
		h.subscribe(id)
	case "cache":
		c.get("page:" + strconv.FormatUint(id, 10))
	}
	sink = body
}

func snapshot(dir string, n int) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	runtime.GC()
	base := filepath.Join(dir, fmt.Sprintf("heap_%03d", n))
	f, err := os.Create(base + ".pb.gz")
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
	t, err := os.Create(base + ".txt")
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("heap").WriteTo(t, 1); err != nil {
		panic(err)
	}
	t.Close()
}

func main() {
	mode := flag.String("mode", "leak", "leak, cache or steady")
	out := flag.String("out", "out", "directory to write into")
	snapshots := flag.Int("snapshots", 4, "number of snapshots")
	step := flag.Int("step", 500, "requests between snapshots")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}
	h := &hub{subs: make(map[uint64]*subscriber)}
	c := &lru{cap: 300, ll: list.New(), items: make(map[string]*list.Element)}
	var requests []int
	var retained []int
	id := uint64(0)
	for n := 1; n <= *snapshots; n++ {
		for i := 0; i < *step; i++ {
			id++
			serve(*mode, h, c, id)
		}
		snapshot(*out, n)
		requests = append(requests, int(id))
		retained = append(retained, len(h.subs)+c.ll.Len())
	}
	gt := map[string]interface{}{
		"mode":                *mode,
		"memprofilerate":      runtime.MemProfileRate,
		"go":                  runtime.Version(),
		"requests":            requests,
		"retained_objects":    retained,
		"leak_function":       map[bool]string{true: "main.(*hub).subscribe", false: ""}[*mode == "leak"],
		"leaked_object_bytes": 256,
		"cache_capacity":      300,
		"cache_value_bytes":   2048,
	}
	b, _ := json.MarshalIndent(gt, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "groundtruth.json"), append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
}
