package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"oasis/engine/store"
)

// The organisation view: an admin sees their own organisation's people,
// the courses they are on, their progress and certificates. Every query
// here is by the admin's organisation id.

type staffRow struct {
	UserID        string     `json:"user_id"`
	Name          string     `json:"name"`
	Email         string     `json:"email"`
	Role          string     `json:"role"`
	Course        string     `json:"course"`
	CourseTitle   string     `json:"course_title"`
	EnrolledAt    *time.Time `json:"enrolled_at"`
	Percent       int        `json:"percent"`
	Status        string     `json:"status"`
	CertificateID *string    `json:"certificate_id"`
	IssuedAt      *time.Time `json:"issued_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	DaysLeft      *int       `json:"days_left"`
}

// Staff statuses.
const (
	staffEnrolled   = "enrolled"
	staffInProgress = "in_progress"
	staffCertified  = "certified"
	staffExpired    = "expired"
	staffRevoked    = "revoked"
)

type staffCounts struct {
	InProgress int `json:"in_progress"`
	Certified  int `json:"certified"`
	Expiring30 int `json:"expiring_30"`
	Expiring60 int `json:"expiring_60"`
	Expiring90 int `json:"expiring_90"`
	Expired    int `json:"expired"`
	Revoked    int `json:"revoked"`
}

// staffFilter is the query of GET /api/admin/staff.
type staffFilter struct {
	course, status, q, sort string
	expiring                int
}

func parseStaffFilter(q url.Values) (staffFilter, error) {
	f := staffFilter{course: q.Get("course"), status: q.Get("status"), q: strings.ToLower(strings.TrimSpace(q.Get("q"))), sort: q.Get("sort")}
	switch f.status {
	case "", staffEnrolled, staffInProgress, staffCertified, staffExpired, staffRevoked:
	default:
		return f, errBadRequest(fmt.Sprintf("status %q is not one of enrolled, in_progress, certified, expired, revoked.", f.status))
	}
	if e := q.Get("expiring"); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || (n != 30 && n != 60 && n != 90) {
			return f, errBadRequest("expiring is 30, 60 or 90 (days).")
		}
		f.expiring = n
	}
	switch strings.TrimPrefix(f.sort, "-") {
	case "", "name", "course", "progress", "expires", "status":
	default:
		return f, errBadRequest(fmt.Sprintf("sort %q is not one of name, course, progress, expires, status (with - for descending).", f.sort))
	}
	if len(f.q) > 200 {
		return f, errBadRequest("The search is too long.")
	}
	return f, nil
}

// staff builds the organisation's rows and counts, filtered and sorted.
func (s *Server) staff(ctx context.Context, orgID string, f staffFilter) ([]staffRow, staffCounts, error) {
	var counts staffCounts
	members, err := s.store.Members(ctx, orgID)
	if err != nil {
		return nil, counts, err
	}
	enrolments, err := s.store.OrgEnrollments(ctx, orgID)
	if err != nil {
		return nil, counts, err
	}
	attempts, err := s.store.OrgQuizAttempts(ctx, orgID)
	if err != nil {
		return nil, counts, err
	}
	runs, err := s.store.OrgEndedRuns(ctx, orgID)
	if err != nil {
		return nil, counts, err
	}
	certs, err := s.store.OrgCertificates(ctx, orgID)
	if err != nil {
		return nil, counts, err
	}
	evs := map[string]*courseEvidence{}
	evOf := func(user string) *courseEvidence {
		if evs[user] == nil {
			evs[user] = &courseEvidence{}
		}
		return evs[user]
	}
	for _, a := range attempts {
		evOf(a.UserID).quiz = append(evOf(a.UserID).quiz, a)
	}
	for _, r := range runs {
		evOf(r.UserID).runs = append(evOf(r.UserID).runs, s.runFacts(r))
	}
	for _, c := range certs {
		evOf(c.UserID).certs = append(evOf(c.UserID).certs, c)
	}
	// One row per person and course they are enrolled in or certified for.
	type key struct{ user, course string }
	enrolledAt := map[key]time.Time{}
	var keys []key
	for _, e := range enrolments {
		k := key{e.UserID, e.CourseID}
		enrolledAt[k] = e.EnrolledAt
		keys = append(keys, k)
	}
	for _, c := range certs {
		k := key{c.UserID, c.CourseID}
		if _, ok := enrolledAt[k]; !ok {
			enrolledAt[k] = time.Time{}
			keys = append(keys, k)
		}
	}
	people := map[string]store.Member{}
	for _, m := range members {
		people[m.ID] = m
	}
	now := s.cfg.Now()
	rows := []staffRow{}
	for _, k := range keys {
		m, ok := people[k.user]
		if !ok {
			continue // guests never enrol; a removed account is not staff
		}
		ev := evOf(k.user)
		row := staffRow{UserID: m.ID, Name: m.Name, Email: m.Email, Role: string(m.Role), Course: k.course, CourseTitle: k.course}
		if t := enrolledAt[k]; !t.IsZero() {
			row.EnrolledAt = &t
		}
		c, known := s.courses.Get(k.course)
		if known {
			row.CourseTitle = c.Title
			row.Percent = s.evaluate(c, *ev, now).Percent
		}
		row.Status = staffEnrolled
		if row.Percent > 0 {
			row.Status = staffInProgress
		}
		var latest *store.Certificate
		for i, ct := range ev.certs {
			if ct.CourseID == k.course {
				latest = &ev.certs[i]
				break // newest first
			}
		}
		if cur := s.current(*ev, k.course, now); cur != nil {
			latest = cur
		}
		if latest != nil {
			row.CertificateID, row.IssuedAt, row.ExpiresAt = &latest.ID, &latest.IssuedAt, &latest.ExpiresAt
			if !known {
				row.CourseTitle = latest.CourseTitle
			}
			switch s.certStatus(*latest, now) {
			case certRevoked:
				row.Status = staffRevoked
				counts.Revoked++
			case certExpired:
				row.Status = staffExpired
				counts.Expired++
			default:
				row.Status, row.Percent = staffCertified, 100
				// Whole days left, rounded up: a year's certificate issued
				// today has 365, and one expiring later today has 1.
				days := int(math.Ceil(latest.ExpiresAt.Sub(now).Hours() / 24))
				row.DaysLeft = &days
				counts.Certified++
				if days <= 30 {
					counts.Expiring30++
				}
				if days <= 60 {
					counts.Expiring60++
				}
				if days <= 90 {
					counts.Expiring90++
				}
			}
		}
		if row.Status == staffInProgress {
			counts.InProgress++
		}
		if f.keep(row) {
			rows = append(rows, row)
		}
	}
	sortStaff(rows, f.sort)
	return rows, counts, nil
}

func (f staffFilter) keep(r staffRow) bool {
	if f.course != "" && r.Course != f.course {
		return false
	}
	if f.status != "" && r.Status != f.status {
		return false
	}
	if f.expiring > 0 && (r.Status != staffCertified || r.DaysLeft == nil || *r.DaysLeft > f.expiring) {
		return false
	}
	if f.q != "" && !strings.Contains(strings.ToLower(r.Name), f.q) && !strings.Contains(strings.ToLower(r.Email), f.q) {
		return false
	}
	return true
}

var statusOrder = map[string]int{staffEnrolled: 0, staffInProgress: 1, staffCertified: 2, staffExpired: 3, staffRevoked: 4}

func sortStaff(rows []staffRow, by string) {
	desc := strings.HasPrefix(by, "-")
	by = strings.TrimPrefix(by, "-")
	cmpName := func(a, b staffRow) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Email, b.Email); c != 0 {
			return c
		}
		return strings.Compare(a.CourseTitle, b.CourseTitle)
	}
	key := func(a, b staffRow) int {
		switch by {
		case "course":
			return strings.Compare(a.CourseTitle, b.CourseTitle)
		case "progress":
			return a.Percent - b.Percent
		case "status":
			return statusOrder[a.Status] - statusOrder[b.Status]
		case "expires":
			// No expiry sorts last either way.
			switch {
			case a.ExpiresAt == nil && b.ExpiresAt == nil:
				return 0
			case a.ExpiresAt == nil:
				if desc {
					return -1
				}
				return 1
			case b.ExpiresAt == nil:
				if desc {
					return 1
				}
				return -1
			}
			return a.ExpiresAt.Compare(*b.ExpiresAt)
		}
		return cmpName(a, b)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		c := key(rows[i], rows[j])
		if c == 0 {
			return cmpName(rows[i], rows[j]) < 0
		}
		if desc {
			return c > 0
		}
		return c < 0
	})
}

// adminOnly wraps a handler for organisation admins.
func (s *Server) adminOnly(h func(http.ResponseWriter, *http.Request, store.User)) http.HandlerFunc {
	return s.orgOnly(func(w http.ResponseWriter, r *http.Request, u store.User) {
		if u.Role != store.RoleAdmin {
			s.fail(w, r, errForbidden("Only an organisation admin can see this."))
			return
		}
		h(w, r, u)
	})
}

func (s *Server) handleStaff(w http.ResponseWriter, r *http.Request, u store.User) {
	f, err := parseStaffFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, counts, err := s.staff(r.Context(), u.OrgID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff": rows, "counts": counts})
}

// staffColumns are the CSV's columns, documented in docs/api.md.
var staffColumns = []string{"name", "email", "role", "course", "course_title", "enrolled_at", "percent", "status", "certificate_id", "issued_at", "expires_at", "days_left"}

func (s *Server) handleStaffCSV(w http.ResponseWriter, r *http.Request, u store.User) {
	f, err := parseStaffFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, _, err := s.staff(r.Context(), u.OrgID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	out := [][]string{staffColumns}
	for _, row := range rows {
		cert, days := "", ""
		if row.CertificateID != nil {
			cert = *row.CertificateID
		}
		if row.DaysLeft != nil {
			days = strconv.Itoa(*row.DaysLeft)
		}
		out = append(out, []string{row.Name, row.Email, row.Role, row.Course, row.CourseTitle, ts(row.EnrolledAt), strconv.Itoa(row.Percent),
			row.Status, cert, ts(row.IssuedAt), ts(row.ExpiresAt), days})
	}
	writeCSV(w, "oasis-staff-"+s.cfg.Now().UTC().Format("2006-01-02")+".csv", out)
}

type monthCount struct {
	Month   string `json:"month"`
	Issued  int    `json:"issued"`
	Revoked int    `json:"revoked"`
}

func (s *Server) handleCertifications(w http.ResponseWriter, r *http.Request, u store.User) {
	certs, err := s.store.OrgCertificates(r.Context(), u.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -23, 0)
	months := make([]monthCount, 24)
	index := map[string]int{}
	for i := range months {
		months[i].Month = first.AddDate(0, i, 0).Format("2006-01")
		index[months[i].Month] = i
	}
	for _, c := range certs {
		if i, ok := index[c.IssuedAt.UTC().Format("2006-01")]; ok {
			months[i].Issued++
		}
		if c.RevokedAt != nil {
			if i, ok := index[c.RevokedAt.UTC().Format("2006-01")]; ok {
				months[i].Revoked++
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"months": months})
}
