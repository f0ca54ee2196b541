// Command sampled writes heap profile series at Go's default sampling rate (MemProfileRate of
// 512 KiB), the rate production services run at, for heapdiff's tests of its verdicts on
// sampled profiles. Each series is one process serving simulated requests, with a snapshot
// (profile.proto, gzipped) after a forced GC at each point:
//
//	uptime   a leak that is already large at the first snapshot: (*registry).track keeps a
//	         384-byte record per request in a global map (about 390 bytes per request with the
//	         map's buckets), after a warm-up of 60,000 requests; beside it a ring cache of
//	         20,000 slots of 512 bytes (10 MiB, full long before the first snapshot) and churn.
//	         Nine snapshots, 3,000 requests apart.
//	fresh    the same service from a fresh start: eight snapshots 6,000 requests apart, the
//	         ring cache full by the fourth.
//	noleak   the same service without the leak, from a fresh start: the cache fills by the
//	         fourth of eight snapshots and nothing else is kept. No site leaks.
//	bigcache the noleak service with slots of 4,096 bytes (80 MiB, some 160 samples: enough
//	         that the series' own scatter bounds replacement): full by the fourth of eight
//	         snapshots, then replaced a third at a time, which makes it drift. No site leaks.
//	stairs   (*index).add keeps every request's id in a map of ids to counters (values held
//	         in the map's buckets), so its retention is the bucket array alone and rises in
//	         doublings while the entries rise linearly; (*window).add counts requests by id modulo
//	         200,000 in a map of its own, which doubles twice and then stops doubling once it
//	         holds every key. Eight snapshots,
//	         40,000 requests apart.
//
// groundtruth.json beside each series records what the program itself counted.
//
// Usage: go run . -mode uptime -out ../../go/sampled_uptime
package main

import (
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

// record is 384 bytes (a size class of its own): the leaked object.
type record struct {
	id      uint64
	payload [376]byte
}

type registry struct {
	records map[uint64]*record
}

//go:noinline
func (r *registry) track(id uint64) {
	rec := &record{id: id}
	rec.payload[0] = byte(id)
	r.records[id] = rec // never removed: the leak
}

// ring is a cache of a fixed number of slots, each replaced in turn: full after its first
// lap, and bounded from then on.
type ring struct {
	slots [][]byte
	size  int
	next  int
}

//go:noinline
func (c *ring) put(id uint64) {
	b := make([]byte, c.size)
	copy(b, strconv.FormatUint(id, 10))
	c.slots[c.next] = b
	c.next = (c.next + 1) % len(c.slots)
}

type index struct {
	counts map[uint64]uint32
}

//go:noinline
func (x *index) add(id uint64) {
	x.counts[id]++ // never removed: the map doubles as it grows
}

type window struct {
	size int
	ids  map[uint64]uint32
}

//go:noinline
func (w *window) add(id uint64) {
	w.ids[id%uint64(w.size)]++ // 200,000 keys at most: the map stops doubling
}

var sink []byte

//go:noinline
func render(id uint64) []byte {
	out := make([]byte, 2048)
	copy(out, fmt.Sprintf("id=%d", id))
	return out
}

type service struct {
	leak   bool
	reg    *registry
	cache  *ring
	idx    *index
	win    *window
	stairs bool
}

func (s *service) serve(id uint64) {
	if s.stairs {
		s.idx.add(id)
		s.win.add(id)
	} else {
		if s.leak {
			s.reg.track(id)
		}
		s.cache.put(id)
	}
	sink = render(id)
}

func snapshot(dir string, n int) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	runtime.GC()
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap_%03d.pb.gz", n)))
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func main() {
	mode := flag.String("mode", "uptime", "uptime, fresh, noleak, bigcache or stairs")
	out := flag.String("out", "out", "directory to write into")
	flag.Parse()
	warmup, step, snaps := 0, 6000, 8
	s := &service{
		leak:  *mode != "noleak" && *mode != "bigcache",
		reg:   &registry{records: make(map[uint64]*record)},
		cache: &ring{slots: make([][]byte, 20000), size: 512},
	}
	switch *mode {
	case "uptime":
		warmup, step, snaps = 60000, 3000, 9
	case "fresh", "noleak":
		warmup, step, snaps = 0, 6000, 8
	case "bigcache":
		warmup, step, snaps = 0, 6000, 8
		s.cache.size = 4096
	case "stairs":
		warmup, step, snaps = 0, 40000, 8
		s.stairs = true
		s.idx = &index{counts: make(map[uint64]uint32)}
		s.win = &window{size: 200000, ids: make(map[uint64]uint32)}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", *mode)
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}
	id := uint64(0)
	var requests, leaked []int
	for i := 0; i < warmup; i++ {
		id++
		s.serve(id)
	}
	for n := 1; n <= snaps; n++ {
		if n > 1 || warmup == 0 {
			for i := 0; i < step; i++ {
				id++
				s.serve(id)
			}
		}
		snapshot(*out, n)
		requests = append(requests, int(id))
		kept := 0
		if s.leak && !s.stairs {
			kept = len(s.reg.records)
		}
		if s.stairs {
			kept = len(s.idx.counts)
		}
		leaked = append(leaked, kept)
	}
	leakFn := map[string]string{
		"uptime":   "main.(*registry).track",
		"fresh":    "main.(*registry).track",
		"noleak":   "",
		"bigcache": "",
		"stairs":   "main.(*index).add",
	}[*mode]
	gt := map[string]interface{}{
		"mode":             *mode,
		"memprofilerate":   runtime.MemProfileRate,
		"go":               runtime.Version(),
		"requests":         requests,
		"leaked_objects":   leaked,
		"leak_function":    leakFn,
		"record_bytes":     384,
		"cache_function":   "main.(*ring).put",
		"cache_slots":      20000,
		"cache_slot_bytes": s.cache.size,
		"window_function":  "main.(*window).add",
		"window_entries":   200000,
	}
	b, _ := json.MarshalIndent(gt, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "groundtruth.json"), append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
}
