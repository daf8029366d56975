package syndication

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// checkDate applies herald's rule for publication dates (see
// herald.CheckPublished) to a date the document gives in field, where ok
// says whether it gives one: a date before 1900 (0001-01-01, a common
// placeholder, among them) is set aside, so the item counts as undated
// and is taken as published when Herald adds it; a date more than a day
// after now is taken as now. Either way a note on the item says so. No
// item is refused for its date: the editor cannot mend a publisher's
// feed, and the article itself is as good as any.
func (it *Item) checkDate(field string, t time.Time, ok bool, now time.Time) time.Time {
	if !ok {
		return time.Time{}
	}
	if err := herald.CheckPublished(t); err != nil {
		it.Notes = append(it.Notes, field+" "+herald.ErrorMessage(err)+"; set aside")
		return time.Time{}
	}
	t, note := herald.ClampPublished(t, now)
	if note != "" {
		it.Notes = append(it.Notes, field+" "+note)
	}
	return t
}

// fallBackOnUpdated dates a feed item that gives no publication date by
// its update date: Atom makes <published> optional (RFC 4287) and many
// blogs give only <updated>, and JSON Feed's date_published is optional
// beside date_modified. Left undated, the item would be taken as published
// when Herald first reads it, and a blog's years-old posts would top the
// home page. names are the format's names for the two dates. A note says
// which date was taken, or that the item gives none Herald can use (none
// at all, or only ones set aside) and will be dated when first read.
func (it *Item) fallBackOnUpdated(names [2]string) {
	switch {
	case !it.Published.IsZero():
	case !it.Updated.IsZero():
		it.Published = it.Updated
		it.Notes = append(it.Notes, "no "+names[0]+"; dated by its "+names[1])
	default:
		it.Notes = append(it.Notes, "no usable date; dated when first read")
	}
}

// parseDate reads the dates feeds write when gofeed cannot: ISO 8601 and W3C
// dates with odd precision or spacing, RFC 822 dates with full month names,
// missing or misplaced commas, two-digit years, named zones ("EST", "CEST",
// "ET"), "GMT+01:00" offsets, asctime and JavaScript Date.toString output,
// y/m/d dates, and month and weekday names in a few European languages.
// A date without a zone is taken to be UTC. The result is in UTC. It
// reports false for anything it cannot read with certainty, rather than
// guessing: an ambiguous "03/04/2012" is not a date here.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 100 {
		return time.Time{}, false
	}
	if t, ok := parseISODate(s); ok {
		return t, true
	}
	return parseWordyDate(s)
}

// isoDate matches ISO 8601 and W3C-DTF dates in their extended form, with a
// T or a space before the time, any fraction of a second, and a zone that
// is Z, a numeric offset or UTC/GMT.
var isoDate = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?` +
	`(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?` +
	`\s*(?:([Zz]|UTC|GMT|UT)|([+-])(\d{2}):?(\d{2})?)?$`)

// isoBasic matches the ISO 8601 basic form, 20031231T101455Z.
var isoBasic = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:\.\d+)?)?` +
	`(?:(Z)|([+-])(\d{2})(\d{2})?)?$`)

func parseISODate(s string) (time.Time, bool) {
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		m = isoBasic.FindStringSubmatch(s)
		if m == nil {
			return time.Time{}, false
		}
	}
	year, _ := strconv.Atoi(m[1])
	month, day := 1, 1
	if m[2] != "" {
		month, _ = strconv.Atoi(m[2])
	}
	if m[3] != "" {
		day, _ = strconv.Atoi(m[3])
	}
	var hour, minute, sec int
	if m[4] != "" {
		hour, _ = strconv.Atoi(m[4])
		minute, _ = strconv.Atoi(m[5])
		if m[6] != "" {
			sec, _ = strconv.Atoi(m[6])
		}
	}
	offset := 0
	if m[8] != "" {
		oh, _ := strconv.Atoi(m[9])
		om := 0
		if m[10] != "" {
			om, _ = strconv.Atoi(m[10])
		}
		if oh > 14 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if m[8] == "-" {
			offset = -offset
		}
	}
	return makeDate(year, month, day, hour, minute, sec, offset)
}

// makeDate builds a UTC time from parts, rejecting any part out of range
// rather than letting time.Date normalise 31 February into March.
func makeDate(year, month, day, hour, minute, sec, offset int) (time.Time, bool) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
		hour > 24 || minute > 59 || sec > 60 || hour < 0 || minute < 0 || sec < 0 {
		return time.Time{}, false
	}
	if hour == 24 && (minute != 0 || sec != 0) {
		return time.Time{}, false
	}
	if sec == 60 {
		sec = 59 // a leap second
	}
	if day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// months maps month names and their usual abbreviations, in English and a
// few other languages news feeds are written in, to month numbers.
var months = func() map[string]int {
	m := make(map[string]int)
	for i, names := range [12]string{
		"january jan janvier janv januar jän enero ene gennaio gen januari janeiro",
		"february feb février févr fevrier fevr februar febrero febbraio februari fevereiro fev",
		"march mar mars mär märz marz marzo maart março marco",
		"april apr avril avr abril aprile",
		"may mai mayo maggio mag mei maio",
		"june jun juin juni junio giugno giu junho",
		"july jul juillet juil juli julio luglio lug julho",
		"august aug août aout agosto ago augustus",
		"september sep sept septembre septiembre settembre set setembro",
		"october oct octobre oktober okt octubre ottobre ott outubro out",
		"november nov novembre noviembre novembro",
		"december dec décembre decembre déc dezember dez diciembre dic dicembre dezembro",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = i + 1
		}
	}
	return m
}()

// weekdays holds weekday names and abbreviations, which are skipped.
var weekdays = func() map[string]bool {
	m := make(map[string]bool)
	for _, n := range strings.Fields(`monday mon tuesday tue tues wednesday wed thursday thu thur thurs
		friday fri saturday sat sunday sun
		lundi lun mardi mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim
		montag mo dienstag di mittwoch mi donnerstag do freitag fr samstag sa sonntag so
		lunes martes miércoles miercoles jueves viernes sábado sabado domingo dom
		lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica
		maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
		segunda terça terca quarta quinta sexta`) {
		m[n] = true
	}
	return m
}()

// zones maps the zone names seen in feed dates to their offsets in
// minutes. Where a name is ambiguous, the reading usual in news feeds wins
// (IST is India, BST British summer time); the bare US names (ET, PT …) are
// taken as standard time.
var zones = map[string]int{
	"ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "etc/gmt": 0, "etc/utc": 0,
	"est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
	"mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60,
	"et": -5 * 60, "ct": -6 * 60, "mt": -7 * 60, "pt": -8 * 60, "at": -4 * 60,
	"ast": -4 * 60, "adt": -3 * 60, "nst": -3*60 - 30, "ndt": -2*60 - 30,
	"akst": -9 * 60, "akdt": -8 * 60, "hst": -10 * 60,
	"bst": 60, "ist": 5*60 + 30, "west": 60, "cet": 60, "cest": 2 * 60,
	"met": 60, "mest": 2 * 60, "mez": 60, "mesz": 2 * 60, "eet": 2 * 60, "eest": 3 * 60,
	"msk": 3 * 60, "pkt": 5 * 60, "ict": 7 * 60, "wib": 7 * 60,
	"hkt": 8 * 60, "sgt": 8 * 60, "awst": 8 * 60, "pht": 8 * 60,
	"jst": 9 * 60, "kst": 9 * 60, "acst": 9*60 + 30, "acdt": 10*60 + 30,
	"aest": 10 * 60, "aedt": 11 * 60, "nzst": 12 * 60, "nzdt": 13 * 60,
}

var (
	// numericZone matches "+0200", "-05:00", "+02", and the same after
	// "GMT" or "UTC".
	numericZone = regexp.MustCompile(`^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$`)
	clockTime   = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(am|pm|a\.m\.|p\.m\.)?$`)
	ymdDate     = regexp.MustCompile(`^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$`)
	dmyDate     = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4})$`)
	parenthesis = regexp.MustCompile(`\([^)]*\)`)
)

// parseWordyDate reads dates written with words: RFC 822 and its many
// variations, asctime, and the like. Every token must be understood.
func parseWordyDate(s string) (time.Time, bool) {
	s = strings.ToLower(parenthesis.ReplaceAllString(s, " "))
	s = strings.NewReplacer(",", " ", " at ", " ").Replace(s)
	// A clock glued to its zone: "10:00:00-0500", "10:00:00z".
	var tokens []string
	for _, tok := range strings.Fields(s) {
		if i := strings.IndexAny(tok, "+-z"); i > 0 && strings.Contains(tok[:i], ":") && clockTime.MatchString(tok[:i]) {
			tokens = append(tokens, tok[:i], tok[i:])
			continue
		}
		tokens = append(tokens, tok)
	}

	year, month, day := -1, -1, -1
	hour, minute, sec := -1, 0, 0
	offset, haveZone := 0, false
	meridiem := ""
	numbers := 0
	for _, tok := range tokens {
		tok = strings.TrimSuffix(tok, ".")
		if tok == "" {
			continue
		}
		if weekdays[tok] {
			continue
		}
		if m, ok := months[tok]; ok && month < 0 {
			month = m
			continue
		}
		if m := clockTime.FindStringSubmatch(tok); m != nil && hour < 0 {
			hour, _ = strconv.Atoi(m[1])
			minute, _ = strconv.Atoi(m[2])
			if m[3] != "" {
				sec, _ = strconv.Atoi(m[3])
			}
			meridiem = strings.ReplaceAll(m[4], ".", "")
			continue
		}
		if tok == "am" || tok == "pm" || tok == "a.m" || tok == "p.m" {
			meridiem = strings.ReplaceAll(tok, ".", "")
			continue
		}
		if m := ymdDate.FindStringSubmatch(tok); m != nil && year < 0 && month < 0 && day < 0 {
			year, _ = strconv.Atoi(m[1])
			month, _ = strconv.Atoi(m[2])
			day, _ = strconv.Atoi(m[3])
			continue
		}
		if m := dmyDate.FindStringSubmatch(tok); m != nil && year < 0 && month < 0 && day < 0 {
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[3])
			year, _ = strconv.Atoi(m[4])
			switch {
			case m[2] == ".": // European d.m.y
				day, month = a, b
			case a > 12 && b <= 12:
				day, month = a, b
			case b > 12 && a <= 12:
				day, month = b, a
			default:
				return time.Time{}, false // 03/04/2012: day or month first?
			}
			continue
		}
		if isDigits(tok) {
			n, _ := strconv.Atoi(tok)
			numbers++
			switch {
			case len(tok) == 4 && year < 0:
				year = n
			case len(tok) <= 2 && day < 0:
				day = n
			case len(tok) == 2 && year < 0:
				year = 1900 + n
				if n < 70 {
					year = 2000 + n
				}
			default:
				return time.Time{}, false
			}
			continue
		}
		if hour >= 0 && !haveZone {
			if off, ok := zones[tok]; ok {
				offset, haveZone = off*60, true
				continue
			}
			if m := numericZone.FindStringSubmatch(tok); m != nil {
				oh, _ := strconv.Atoi(m[2])
				om := 0
				if m[3] != "" {
					om, _ = strconv.Atoi(m[3])
				}
				if oh > 14 || om > 59 {
					return time.Time{}, false
				}
				offset, haveZone = oh*3600+om*60, true
				if m[1] == "-" {
					offset = -offset
				}
				continue
			}
		}
		return time.Time{}, false
	}
	if year < 0 || month < 0 || day < 0 {
		return time.Time{}, false
	}
	if hour < 0 {
		hour = 0
	}
	switch meridiem {
	case "am":
		if hour == 12 {
			hour = 0
		} else if hour > 12 {
			return time.Time{}, false
		}
	case "pm":
		if hour < 12 {
			hour += 12
		} else if hour > 12 {
			return time.Time{}, false
		}
	}
	return makeDate(year, month, day, hour, minute, sec, offset)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
