package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// clientIP records the client's IP for the access log. Without trusted
// proxies it is the TCP peer. With them it is read from X-Forwarded-For, but
// only when the peer is one of those proxies (chi's ClientIPFromXFF, which
// chi recommends over counting hops), so a client that reaches the server
// directly cannot choose its IP. RealIP is never used: it trusts any peer.
func (s *Server) clientIP() func(http.Handler) http.Handler {
	if len(s.cfg.TrustedProxies) == 0 {
		return middleware.ClientIPFromRemoteAddr
	}
	return middleware.ClientIPFromXFF(s.cfg.TrustedProxies...)
}

// requestLog carries what a handler wants in its request's access-log line.
type requestLog struct {
	err error
}

type requestLogKey struct{}

// noteError hands err to the access log of the request.
func noteError(ctx context.Context, err error) {
	if rl, ok := ctx.Value(requestLogKey{}).(*requestLog); ok {
		rl.err = err
	}
}

// accessLog writes one line per request, records its latency, and echoes the
// request id. Bodies are never logged. A 5xx is logged at Error with the full
// error, a 4xx at Info with the message the client saw, and successful probes
// (health, readiness, metrics) at Debug so that they do not drown the rest.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := middleware.GetReqID(r.Context())
		w.Header().Set(middleware.RequestIDHeader, reqID)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		rl := &requestLog{}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), requestLogKey{}, rl)))

		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		duration := time.Since(start)
		// The route pattern, not the path, keeps metric labels bounded.
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observeRequest(route, r.Method, status, duration)

		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", duration),
			slog.Int("bytes", ww.BytesWritten()),
			slog.String("request_id", reqID),
			slog.String("client_ip", middleware.GetClientIP(r.Context())),
		}
		if rl.err != nil {
			attrs = append(attrs, slog.String("error", rl.err.Error()))
		}
		s.logger.LogAttrs(r.Context(), accessLevel(route, status), "request", attrs...)
	})
}

func accessLevel(route string, status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status < 400 && (route == "/healthz" || route == "/readyz" || route == "/metrics"):
		return slog.LevelDebug
	default:
		return slog.LevelInfo
	}
}

// recoverer turns a panic into a 500 and a logged stack, instead of a
// dropped connection. It writes the 500 only if nothing was written yet.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec) // net/http's way to abort a response; it must reach the server
			}
			// %v, not %w: a panic value must map to 500 whatever it wraps.
			err := fmt.Errorf("panic: %v\n%s", rec, debug.Stack())
			if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
				noteError(r.Context(), err)
				return
			}
			s.writeError(w, r, err)
		}()
		next.ServeHTTP(w, r)
	})
}

// timeout gives each request a deadline. Unlike chi's middleware.Timeout it
// writes nothing itself: a handler that runs out of time gets
// context.DeadlineExceeded from the service and returns it, and the error
// adapter answers 503, so there is never a second WriteHeader.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireToken answers 401 unless the request carries the configured bearer
// token. With no token configured it lets everything through.
func (s *Server) requireToken(next http.Handler) http.Handler {
	if s.cfg.APIToken == "" {
		return next
	}
	// Comparing digests of equal length keeps the comparison constant-time
	// in the length of the token too.
	want := sha256.Sum256([]byte(s.cfg.APIToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		got := sha256.Sum256([]byte(token))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newsdedup"`)
			s.writeError(w, r, errorf(http.StatusUnauthorized, codeUnauthorized, "missing or invalid bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken extracts the token of an "Authorization: Bearer <token>" header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}
