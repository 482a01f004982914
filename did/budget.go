package did

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/openbadges-go/openbadges/internal/budget"
)

// ErrBudgetExceeded reports a fetch refused because the verification it
// belongs to has spent its budget: its number of fetches, its bytes, its
// time, or (for the work below a credential whose own proof did not
// verify) any fetch at all. The budget travels in the request's context;
// package badge installs it (badge.Budget) and badge.ErrBudgetExceeded is
// the same value. It is always wrapped together with [ErrFetch] by the
// resolvers of this package.
var ErrBudgetExceeded = budget.ErrExceeded

// budgetTransport charges every request and every body byte to the budget
// of the request's context (none: nothing is counted), and answers a GET
// of a URL already fetched in the same verification, with the same Accept
// header, from the budget's memo.
type budgetTransport struct{ next http.RoundTripper }

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	b := budget.From(ctx)
	if b == nil {
		return t.next.RoundTrip(req)
	}
	if err := budget.Cause(ctx); err != nil {
		closeBody(req)
		return nil, err
	}
	u := req.URL.Redacted()
	var key string
	if req.Method == http.MethodGet && (req.Body == nil || req.Body == http.NoBody) {
		key = u + "\x00" + req.Header.Get("Accept")
		if m, ok := b.Memo(key); ok {
			return memoResponse(req, m), nil
		}
	}
	if err := b.Fetch(u); err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, budget.Wrap(ctx, err)
	}
	if err := budget.Cause(ctx); err != nil {
		// An answer that raced the deadline is not taken.
		resp.Body.Close()
		return nil, err
	}
	if resp.ContentLength > b.RemainingBytes() {
		resp.Body.Close()
		return nil, b.ExceedBytes(u)
	}
	body := &budgetBody{rc: resp.Body, b: b, ctx: ctx}
	if key != "" && resp.StatusCode == http.StatusOK {
		body.key, body.resp = key, resp
		body.buf = &bytes.Buffer{}
	}
	resp.Body = body
	return resp, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func memoResponse(req *http.Request, m *budget.Response) *http.Response {
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", m.Status, http.StatusText(m.Status)),
		StatusCode:    m.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        m.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(m.Body)),
		ContentLength: int64(len(m.Body)),
		Request:       req,
	}
}

// budgetBody charges the bytes read to the budget and, for a memoizable
// response, keeps them; at the end of the body the response is
// remembered.
type budgetBody struct {
	rc   io.ReadCloser
	b    *budget.Budget
	ctx  context.Context
	key  string
	resp *http.Response
	buf  *bytes.Buffer
	err  error
}

func (r *budgetBody) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.rc.Read(p)
	if n > 0 {
		if berr := r.b.Bytes(int64(n)); berr != nil {
			r.err, r.buf = berr, nil
			return n, berr
		}
		if r.buf != nil {
			r.buf.Write(p[:n])
		}
	}
	if err != nil {
		if cause := budget.Cause(r.ctx); cause != nil {
			// A body that raced the deadline is not taken either.
			r.err, r.buf = cause, nil
			return n, cause
		}
	}
	switch {
	case errors.Is(err, io.EOF):
		if r.buf != nil {
			r.b.Remember(r.key, &budget.Response{Status: r.resp.StatusCode, Header: r.resp.Header.Clone(), Body: r.buf.Bytes()})
			r.buf = nil
		}
	case err != nil:
		r.buf = nil
		err = budget.Wrap(r.ctx, err)
	}
	return n, err
}

func (r *budgetBody) Close() error { return r.rc.Close() }
