package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
)

// progressPrinter shows a batch's progress on stderr: a bar redrawn in
// place (with \r) when stderr is a terminal, else a plain line every
// interval, and a last line at the end in both cases.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	every time.Duration
	last  time.Time
	drawn bool
}

func newProgressPrinter(w io.Writer, every time.Duration) *progressPrinter {
	p := &progressPrinter{w: w, tty: isTerminal(w), every: every, last: time.Now()}
	if p.tty {
		p.every = 100 * time.Millisecond
	} else if p.every <= 0 {
		p.every = 5 * time.Second
	}
	return p
}

// isTerminal reports whether w is a character device (a terminal), without
// a third-party module.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update is the batch's Progress callback; it draws at most once per
// interval.
func (p *progressPrinter) update(bp badge.BatchProgress) {
	if time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	p.draw(bp)
}

// finish draws the final state and ends the line.
func (p *progressPrinter) finish(bp badge.BatchProgress) {
	p.draw(bp)
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func (p *progressPrinter) draw(bp badge.BatchProgress) {
	if p.tty {
		fmt.Fprintf(p.w, "\r%s %s\x1b[K", bar(bp, 30), progressText(bp))
		return
	}
	fmt.Fprintf(p.w, "openbadges issue: %s\n", progressText(bp))
}

// progressText is "120/10000 rows (1%): 118 issued, 2 failed, 0 skipped;
// 512.3 credentials/s, 2.1s elapsed".
func progressText(bp badge.BatchProgress) string {
	var b strings.Builder
	if bp.Total > 0 {
		fmt.Fprintf(&b, "%d/%d rows (%d%%)", bp.Processed(), bp.Total, 100*bp.Processed()/bp.Total)
	} else {
		fmt.Fprintf(&b, "%d rows", bp.Processed())
	}
	fmt.Fprintf(&b, ": %d issued, %d failed, %d skipped; %.1f credentials/s, %s elapsed",
		bp.Done, bp.Failed, bp.Skipped, bp.Rate, bp.Elapsed.Round(100*time.Millisecond))
	return b.String()
}

func bar(bp badge.BatchProgress, width int) string {
	fill := 0
	if bp.Total > 0 {
		fill = min(width*bp.Processed()/bp.Total, width)
	}
	return "[" + strings.Repeat("=", fill) + strings.Repeat(" ", width-fill) + "]"
}
