package web

import (
	"slices"
	"sync"
	"time"
)

// latencies keeps the most recent samples of a latency, for /debug/stats:
// here, how long a trainer's broadcast or pause took from being recorded
// to being written to each trainee's socket on this server.
type latencies struct {
	mu   sync.Mutex
	ring []time.Duration
	next int
	n    int64
}

const latencySamples = 1 << 16

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ring == nil {
		l.ring = make([]time.Duration, 0, latencySamples)
	}
	if len(l.ring) < latencySamples {
		l.ring = append(l.ring, d)
	} else {
		l.ring[l.next] = d
		l.next = (l.next + 1) % latencySamples
	}
	l.n++
}

// summary returns the count of all samples and, over the most recent, the
// 50th, 95th and 99th percentiles and the maximum, in milliseconds.
func (l *latencies) summary() map[string]any {
	l.mu.Lock()
	s := slices.Clone(l.ring)
	n := l.n
	l.mu.Unlock()
	out := map[string]any{"count": n}
	if len(s) == 0 {
		return out
	}
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) float64 { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	out["p50_ms"], out["p95_ms"], out["p99_ms"], out["max_ms"] = pct(0.5), pct(0.95), pct(0.99), ms(s[len(s)-1])
	return out
}
