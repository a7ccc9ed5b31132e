package ongoing

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
)

// authorized checks HTTP Basic credentials in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.User))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(s.opts.Password))
	return u&p == 1
}

// requestOwner names the goods owner a request is for, to count parallel
// requests per goods owner: goodsOwnerId from the query, else from the JSON body,
// else (a resource addressed by its id) the configured goods owner.
func (s *Server) requestOwner(r *http.Request, body []byte) int {
	if v := newQuery(r.URL.Query()).get("goodsOwnerId"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	if len(body) > 0 {
		var b struct {
			GoodsOwnerID num `json:"goodsOwnerId"`
		}
		if json.Unmarshal(body, &b) == nil && b.GoodsOwnerID.set {
			return int(b.GoodsOwnerID.v)
		}
	}
	return s.opts.GoodsOwnerID
}

// enter marks a request of owner as running. A request that arrives while
// another of the same goods owner runs is an overlap: it is counted, and refused
// (false) unless Options.ServeOverlaps.
func (s *Server) enter(owner int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight[owner] > 0 {
		s.overlaps++
		if !s.opts.ServeOverlaps {
			return false
		}
	}
	s.inFlight[owner]++
	return true
}

func (s *Server) leave(owner int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight[owner]--; s.inFlight[owner] <= 0 {
		delete(s.inFlight, owner)
	}
}

// Overlaps is the number of requests so far that overlapped another request of
// the same goods owner.
func (s *Server) Overlaps() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overlaps
}

// ownerFromQuery checks the required goodsOwnerId query parameter of list calls.
// The caller holds s.mu.
func (s *Server) ownerFromQuery(q *req) *apiErr {
	v := q.q.get("goodsOwnerId")
	if v == "" {
		return invalid(map[string][]string{"goodsOwnerId": {"The goodsOwnerId field is required."}})
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return invalid(map[string][]string{"goodsOwnerId": {"The value '" + truncate(v, 40) + "' is not valid for goodsOwnerId."}})
	}
	return s.checkOwner(n)
}

// checkOwner refuses a goods owner the API user has no access to (doc.go: 403).
func (s *Server) checkOwner(id int) *apiErr {
	if id != s.opts.GoodsOwnerID {
		return errf(http.StatusForbidden, "The user does not have access to goods owner %d.", id)
	}
	return nil
}

// goodsOwner is the {id, name} object of every GET model.
type goodsOwner struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func (s *Server) owner() goodsOwner {
	return goodsOwner{ID: s.opts.GoodsOwnerID, Name: s.opts.GoodsOwnerName}
}
