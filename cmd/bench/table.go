package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// table is a Markdown table whose columns are padded to line up in a
// terminal as well.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table; a row shorter than the header is padded with
// empty cells.
func (t *table) write(w io.Writer) error {
	width := make([]int, len(t.header))
	for i, h := range t.header {
		width[i] = max(3, utf8.RuneCountInString(h))
	}
	for _, r := range t.rows {
		for i := 0; i < len(r) && i < len(width); i++ {
			width[i] = max(width[i], utf8.RuneCountInString(r[i]))
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString("|")
		for i, wd := range width {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			b.WriteString(" " + c + strings.Repeat(" ", wd-utf8.RuneCountInString(c)) + " |")
		}
		return b.String() + "\n"
	}
	sep := make([]string, len(width))
	for i, wd := range width {
		sep[i] = strings.Repeat("-", wd)
	}
	var b strings.Builder
	b.WriteString(line(t.header))
	b.WriteString(line(sep))
	for _, r := range t.rows {
		b.WriteString(line(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dash stands for a value that does not apply or was not measured.
const dash = "–"

// fmtRatio formats a share such as precision with four decimals.
func fmtRatio(v float64, ok bool) string {
	if !ok {
		return dash
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// fmtCount formats a count with thousands separators.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtRate formats a rate per second: thousands separators from 100 up,
// one decimal below.
func fmtRate(v float64) string {
	if v >= 100 {
		return fmtCount(int64(v + 0.5))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// fmtMiB formats KiB as MiB.
func fmtMiB(kib int64) string {
	return fmt.Sprintf("%d MiB", (kib+512)/1024)
}
