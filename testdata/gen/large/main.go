// Command large writes a pair of exact Go heap profiles with as many distinct allocation
// stacks as asked for, for heapdiff's scaling benchmark (benches/scaling.sh). The files are
// large (tens to hundreds of MB uncompressed), so they are written outside the repository and
// never committed.
//
// Every call path is main → runPhase → descend (recursing 8 to 23 times, by path) → three of
// the 128 functions f000..f127 (funcs.go), chosen by the path's number → keep → make. With
// -scale S there are S × 262,144 paths, so the number of distinct stacks (and samples) grows
// linearly with S while the frames, functions and depth stay the same:
//
//	phase 1 (then heap_A.pb.gz): every path allocates 64 bytes; a quarter is garbage.
//	phase 2 (then heap_B.pb.gz): every path allocates 96 bytes, an eighth of which is
//	retained (the leak), and a sixteenth of phase 1's objects are released.
//
// runtime.MemProfileRate is 1: every allocation is recorded, values are exact.
//
// Usage: go run . -scale 4 -out /tmp/large4
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

func init() { runtime.MemProfileRate = 1 }

const steps = 3

type path struct {
	idx   int
	step  [steps]int
	phase int
}

var (
	phase1 [][]byte
	phase2 [][]byte
)

//go:noinline
func keep(p *path, b []byte) {
	if p.phase == 1 {
		if p.idx%4 != 0 {
			phase1[p.idx] = b
		}
	} else if p.idx%8 == 1 {
		phase2[p.idx] = b
	}
}

//go:noinline
func descend(p *path, n int, size int) {
	if n == 0 {
		table[p.step[0]](p, 1, size)
		return
	}
	descend(p, n-1, size)
}

//go:noinline
func runPhase(phase, total, size int) {
	p := &path{phase: phase}
	for idx := 0; idx < total; idx++ {
		p.idx = idx
		x := idx
		for i := steps - 1; i >= 0; i-- {
			p.step[i] = x % K
			x /= K
		}
		// Paths past K^3 reuse the functions' order with a different depth, so that every
		// path is still its own stack.
		depth := 8 + (p.step[2]+x)%16
		descend(p, depth, size)
	}
}

func write(name string) {
	old := debug.SetGCPercent(-1)
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	debug.SetGCPercent(old)
}

func main() {
	scale := flag.Int("scale", 1, "paths, in units of 262,144")
	out := flag.String("out", "large", "output directory")
	flag.Parse()
	if *scale < 1 || *scale > 16 {
		fmt.Fprintln(os.Stderr, "-scale must be 1 to 16")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}
	total := *scale * 262144
	phase1 = make([][]byte, total)
	phase2 = make([][]byte, total)
	runPhase(1, total, 64)
	write(filepath.Join(*out, "heap_A.pb.gz"))
	runPhase(2, total, 96)
	for i := range phase1 {
		if i%16 == 2 {
			phase1[i] = nil
		}
	}
	write(filepath.Join(*out, "heap_B.pb.gz"))
	runtime.KeepAlive(phase1)
	runtime.KeepAlive(phase2)
	fmt.Fprintf(os.Stderr, "wrote %s: %d paths\n", *out, total)
}
