package store

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/herald-news/herald"
)

// The rules in this file are living articles' (issue 22): when an
// article is checked again, what its re-check does to the schedule, what
// it shows after a revision, and how the versions it replaced are kept.

// RecheckRetry is how long a failed re-check that named no RetryAt waits
// before it is tried again.
const RecheckRetry = 15 * time.Minute

// FirstRecheck is when an article stored at created is first checked
// again.
func FirstRecheck(created time.Time) time.Time { return created.Add(herald.RecheckSteps[0]) }

// LastRecheckStep is the step RecheckSoon gives an article that has no
// re-check left, so that it is checked once more and then never again.
func LastRecheckStep() int { return len(herald.RecheckSteps) - 1 }

// CheckRecheck reports the first thing wrong with out, as an EINVALID
// error, and returns the band keys of its revision's fingerprint.
func CheckRecheck(out herald.RecheckOutcome) ([]int64, error) {
	r := out.Revision
	switch {
	case out.Gone && out.Failed:
		return nil, herald.Errorf(herald.EINVALID, "a re-check cannot both fail and find the original gone")
	case r != nil && (out.Gone || out.Failed):
		return nil, herald.Errorf(herald.EINVALID, "a re-check that found no page has no revision")
	case r == nil:
		return nil, nil
	case strings.TrimSpace(r.Title) == "":
		return nil, herald.Errorf(herald.EINVALID, "a revision needs a title")
	case len(r.Title) > herald.MaxTitleLen:
		return nil, herald.Errorf(herald.EINVALID, "title is longer than %d bytes", herald.MaxTitleLen)
	case len(r.Byline) > herald.MaxBylineLen:
		return nil, herald.Errorf(herald.EINVALID, "byline is longer than %d bytes", herald.MaxBylineLen)
	case strings.TrimSpace(r.Text) == "" && strings.TrimSpace(r.HTML) == "":
		return nil, herald.Errorf(herald.EINVALID, "a revision needs a body (html or text)")
	case len(r.HTML) > herald.MaxBodyLen || len(r.Text) > herald.MaxBodyLen:
		return nil, herald.Errorf(herald.EINVALID, "body is longer than %d MB", herald.MaxBodyLen/(1024*1024))
	case !utf8.ValidString(r.Title + r.Byline + r.HTML + r.Text):
		return nil, herald.Errorf(herald.EINVALID, "text is not valid UTF-8")
	}
	return BandKeys(r.Dedup.Bands)
}

// RecheckState is an article's place in its re-check schedule.
type RecheckState struct {
	Step, Misses       int
	Due                time.Time // zero: never again
	ETag, LastModified string
	PageHash           string
}

// NextRecheck returns the schedule after re-check was found out at now.
// A failed check is tried again at the same step, and keeps the
// validators it had; any other moves to the next step, counting a gone
// original as a miss and anything else as none, and after the last step
// nothing is due.
func NextRecheck(was herald.Recheck, out herald.RecheckOutcome, now time.Time) RecheckState {
	if out.Failed {
		due := out.RetryAt
		if due.IsZero() {
			due = now.Add(RecheckRetry)
		}
		return RecheckState{Step: was.Step, Misses: was.Misses, Due: due, ETag: was.ETag, LastModified: was.LastModified,
			PageHash: was.PageHash}
	}
	next := RecheckState{Step: was.Step + 1, ETag: out.ETag, LastModified: out.LastModified, PageHash: out.PageHash}
	if next.PageHash == "" {
		next.PageHash = was.PageHash // the page was not read: a 304 or a 404
	}
	if out.Gone {
		next.Misses = was.Misses + 1
	}
	if next.Step < len(herald.RecheckSteps) {
		next.Due = now.Add(herald.RecheckSteps[next.Step])
	}
	return next
}

// TooManyRevisions is RecordRecheck's error for a revision of an article
// that has MaxRevisions versions already.
func TooManyRevisions(id int64) error {
	return herald.Errorf(herald.EINVALID, "article %d has %d versions already: no more are kept", id, herald.MaxRevisions)
}

// RevisedShown returns the title and lead an article showing was lists
// after revision r, and the outlet's own, which an article an editor
// changed keeps as its ArticleOriginal. An editor's choice stays:
// original is the outlet's title and lead of the version shown, nil when
// no editor changed the article, and a title or lead that differs from
// it is the editor's.
func RevisedShown(was Shown, original *Shown, r *herald.Revision) (shown, outlet Shown) {
	outlet = Shown{Title: strings.TrimSpace(r.Title), Lead: herald.Excerpt(r.Text, herald.ExcerptWords)}
	shown = outlet
	if original != nil && was.Title != original.Title {
		shown.Title = was.Title
	}
	if original != nil && was.Lead != original.Lead {
		shown.Lead = was.Lead
	}
	return shown, outlet
}

// A kept version's body is stored as one deflated stream of its HTML and
// its text (Version), compressed with the version that replaced it as the
// dictionary: what the two share, usually nearly everything, costs a few
// bytes, so that a version that changed a paragraph takes about as much
// room as the paragraph. Reading one version means reading every newer
// one first (UnpackVersions), which FindRevisions does anyway.

// Version returns the bytes a version's body is packed from and with:
// the length of html as a uvarint, html, then text.
func Version(html, text string) []byte {
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(html)+len(text)), uint64(len(html)))
	return append(append(b, html...), text...)
}

// PackVersion returns the stored form of version (from Version), with
// next, the version that replaced it, as the dictionary.
func PackVersion(version, next []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, next)
	if err != nil { // only for a bad level
		panic(err)
	}
	w.Write(version) // writes to a bytes.Buffer do not fail
	w.Close()
	return buf.Bytes()
}

// UnpackVersion returns the version packed in b with next as the
// dictionary, and its HTML and text.
func UnpackVersion(b, next []byte) (version []byte, html, text string, err error) {
	version, err = io.ReadAll(flate.NewReaderDict(bytes.NewReader(b), next))
	if err != nil {
		return nil, "", "", fmt.Errorf("unpack version: %w", err)
	}
	n, size := binary.Uvarint(version)
	if size <= 0 || n > uint64(len(version)-size) {
		return nil, "", "", fmt.Errorf("unpack version: bad html length")
	}
	body := version[size:]
	return version, string(body[:n]), string(body[n:]), nil
}

// UnpackVersions fills the HTML and Text of list, oldest first, from
// their packed bodies, each packed with the next as the dictionary and
// the newest with current's body (the article row's).
func UnpackVersions(list []*herald.Revision, packed [][]byte, current *herald.Revision) error {
	next := Version(current.HTML, current.Text)
	for i := len(list) - 1; i >= 0; i-- {
		version, html, text, err := UnpackVersion(packed[i], next)
		if err != nil {
			return fmt.Errorf("revision %d: %w", list[i].N, err)
		}
		list[i].HTML, list[i].Text, next = html, text, version
	}
	return nil
}
