package archive

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
)

// Count estimates how many records an input holds, for progress totals,
// without parsing it: the lines of a JSONL or ninjs file, the lines after
// the header of a CSV file (more than its records when quoted fields span
// lines), the article files of a tree. It returns -1 for stdin and for
// gzip files, which would have to be decompressed whole to count.
func Count(input string, opts Options) (int64, error) {
	if input == "-" {
		return -1, nil
	}
	format := opts.Format
	if format == "" {
		f, err := DetectFormat(input)
		if err != nil {
			return 0, err
		}
		format = f
	}
	if format == FormatDir {
		return countFiles(input)
	}
	f, err := os.Open(input)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, bufSize)
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		return -1, nil
	}
	n, err := countLines(br)
	if format == FormatCSV && n > 0 {
		n-- // the header
	}
	return n, err
}

func countFiles(root string) (int64, error) {
	w, err := newWalker(root, "")
	if err != nil {
		return 0, err
	}
	var n int64
	for {
		_, err := w.next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// CountAll sums Count over inputs; it is -1 when any count is unknown.
func CountAll(inputs []string, opts Options) (int64, error) {
	var total int64
	for _, in := range inputs {
		n, err := Count(in, opts)
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return -1, nil
		}
		total += n
	}
	return total, nil
}
