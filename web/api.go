package web

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"

	"oasis/engine/scenario"
	"oasis/engine/store"
)

func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request, _ store.User) {
	q := r.URL.Query()
	out := []scenarioView{}
	for _, sc := range s.lib.Order {
		m := sc.Info()
		if k := q.Get("kind"); k != "" && k != string(m.Kind) {
			continue
		}
		if p := q.Get("phase"); p != "" && p != string(m.Phase) {
			continue
		}
		if l := q.Get("level"); l != "" && l != string(m.Level) {
			continue
		}
		out = append(out, s.scenarioView(sc, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": out})
}

func (s *Server) handleScenario(w http.ResponseWriter, r *http.Request, _ store.User) {
	sc, ok := s.lib.Get(r.PathValue("id"))
	if !ok {
		s.fail(w, r, errNotFound("There is no scenario "+r.PathValue("id")+" in the library."))
		return
	}
	v := map[string]any{"scenario": s.scenarioView(sc, true)}
	if c, ok := sc.(*scenario.Case); ok {
		v["case"] = s.caseView(c)
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request, u store.User) {
	runs, err := s.store.Runs(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]historyItem, 0, len(runs))
	for _, run := range runs {
		out = append(out, s.historyItem(run))
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request, u store.User) {
	v, err := s.runs.view(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"run": v})
}

// handleStats reports the server's memory and connections, for the load
// tool; only to requests from this machine.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	writes, commits := s.store.WriteStats()
	writeJSON(w, http.StatusOK, map[string]any{
		"heap_alloc_bytes": m.HeapAlloc, "sys_bytes": m.Sys, "stack_inuse_bytes": m.StackInuse, "rss_bytes": residentBytes(), "goroutines": runtime.NumGoroutine(),
		"websockets": s.conns.count(), "live_runs": s.runs.size(),
		"batched_writes": writes, "batch_commits": commits,
		"group_fanout": s.fanout.summary(),
	})
}

// residentBytes is the process's resident memory (Linux), or 0.
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}
