package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"oasis/engine/store"
)

// handleGroupJoin lets someone without an account join a session as a
// guest: it makes a guest account for the session's organisation, signs
// it in and adds it to the session.
func (s *Server) handleGroupJoin(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.joins, "join:"+clientIP(r)) {
		return
	}
	var f struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	u, signedIn := s.currentUser(r)
	if !signedIn {
		f.Name = strings.TrimSpace(f.Name)
		if f.Name == "" || utf8.RuneCountInString(f.Name) > 40 {
			s.fail(w, r, errBadRequest("Enter the name you want the group to see (up to 40 characters)."))
			return
		}
		code := strings.ToUpper(strings.TrimSpace(f.Code))
		g, err := s.store.GroupByCode(r.Context(), code)
		if errors.Is(err, store.ErrNotFound) || len(code) != 8 {
			s.fail(w, r, errNotFound("No session has that code, or it has ended. Check the code with your trainer."))
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u, err = s.store.CreateGuest(r.Context(), g.OrgID, f.Name)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.startSession(w, r, u); err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.joinSession(r.Context(), nil, u, g, s.baseURL(r))
		s.joined(w, r, out, err)
		return
	}
	out, err := s.groupJoin(r.Context(), nil, u, f.Code, s.baseURL(r))
	s.joined(w, r, out, err)
}

func (s *Server) joined(w http.ResponseWriter, r *http.Request, out groupOut, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"session": map[string]any{"id": out.ID, "kind": out.Kind, "state": out.State, "title": out.Scenario.Title}})
}

func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request, u store.User) {
	if !canLead(u) {
		s.fail(w, r, errForbidden("Only trainers and admins run group sessions."))
		return
	}
	gs, err := s.store.GroupsByTrainer(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		title := g.ScenarioID
		if sc, ok := s.lib.Get(g.ScenarioID); ok {
			title = sc.Info().Title
		}
		out = append(out, map[string]any{"id": g.ID, "code": g.Code, "kind": g.Kind, "state": g.State, "title": title, "members": g.Members, "created_at": g.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": out})
}

func (s *Server) handleGroupResults(w http.ResponseWriter, r *http.Request, u store.User) {
	g, members, err := s.trainerMembers(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.debrief(r.Context(), g, members)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := [][]string{{"member", "guest", "status", "outcome", "rating", "overall", "strengths_ratio", "turns", "missed_risk"}}
	for _, sr := range d.Scores {
		overall, ratio := "", ""
		if sr.Overall != nil {
			overall = strconv.Itoa(*sr.Overall)
		}
		if sr.StrengthsRatio != nil {
			ratio = strconv.FormatFloat(*sr.StrengthsRatio, 'f', 3, 64)
		}
		rows = append(rows, []string{sr.Member, strconv.FormatBool(sr.Guest), sr.Status, sr.Outcome, sr.Rating, overall, ratio, strconv.Itoa(sr.Turns), strconv.Itoa(sr.MissedRisk)})
	}
	writeCSV(w, fmt.Sprintf("oasis-%s-results.csv", strings.ToLower(g.Code)), rows)
}

func (s *Server) handleGroupBoard(w http.ResponseWriter, r *http.Request, u store.User) {
	g, members, err := s.trainerMembers(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cards, err := s.store.Cards(r.Context(), g.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.MemberID] = m.DisplayName
		if g.Anonymous {
			names[m.MemberID] = m.Alias
		}
	}
	rows := [][]string{{"column", "text", "author", "votes", "focus", "flagged", "posted_at"}}
	for _, c := range cards {
		cv := cardView(g, c, nil, subscriber{trainer: true}, nil)
		rows = append(rows, []string{c.Column, c.Text, names[c.MemberID], strconv.Itoa(c.Votes), string(cv.Focus), strconv.FormatBool(c.Flagged), c.CreatedAt.Format(time.RFC3339)})
	}
	writeCSV(w, fmt.Sprintf("oasis-%s-board.csv", strings.ToLower(g.Code)), rows)
}

// writeCSV sends a CSV download. Cells that a spreadsheet would read as a
// formula are prefixed with a quote (CSV injection).
func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				row[i] = "'" + cell
			}
		}
		cw.Write(row)
	}
	cw.Flush()
}

// trainerMembers is the session id led by u, with its members.
func (s *Server) trainerMembers(ctx context.Context, u store.User, id string) (store.GroupSession, []store.GroupMember, error) {
	g, err := s.trainerSession(ctx, u, id)
	if err != nil {
		return g, nil, err
	}
	members, err := s.store.GroupMembers(ctx, g.ID)
	return g, members, err
}
