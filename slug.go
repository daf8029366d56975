package herald

import (
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"
)

// MaxSlugLen bounds a slug's length in bytes, so addresses stay readable.
const MaxSlugLen = 80

// latinFold spells common accented Latin letters in ASCII, so that a slug
// made from "Café in Zürich" reads "cafe-in-zurich".
var latinFold = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "æ", "ae",
	"ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i",
	"î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o",
	"ö", "o", "ø", "o", "œ", "oe", "ù", "u", "ú", "u", "û", "u", "ü", "u",
	"ý", "y", "ÿ", "y", "ß", "ss", "ł", "l", "ś", "s", "š", "s", "ž", "z",
	"ź", "z", "ż", "z", "č", "c", "ć", "c", "ř", "r", "ğ", "g", "ı", "i",
)

// Slugify turns a title or a name into the readable part of an address:
// lower-case letters and digits of any script, joined by single hyphens,
// cut on a hyphen to at most MaxSlugLen bytes. It returns "" when s has
// no letters or digits.
func Slugify(s string) string {
	s = latinFold.Replace(strings.ToLower(s))
	var b strings.Builder
	pendingHyphen := false
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			pendingHyphen = b.Len() > 0
			continue
		}
		if pendingHyphen {
			b.WriteByte('-')
			pendingHyphen = false
		}
		b.WriteRune(r)
	}
	slug := b.String()
	if len(slug) <= MaxSlugLen {
		return slug
	}
	cut := strings.LastIndexByte(slug[:MaxSlugLen+1], '-')
	if cut <= 0 {
		cut = MaxSlugLen
		for cut > 0 && slug[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
	}
	return slug[:cut]
}

// ArticleSlugs returns the slug an article should have, made from its
// title, and the fallback used when another article already holds it: the
// same words followed by a short hash of the original address. Both depend
// only on the article, so a slug never changes once given.
func ArticleSlugs(title, originalURL string) (primary, fallback string) {
	h := fnv.New32a()
	h.Write([]byte(originalURL))
	suffix := fmt.Sprintf("%08x", h.Sum32())[:7]
	base := Slugify(title)
	if base == "" {
		return "article-" + suffix, "article-" + suffix
	}
	if len(base)+len(suffix)+1 > MaxSlugLen {
		base = strings.TrimRight(Slugify(base[:MaxSlugLen-len(suffix)-1]), "-")
	}
	return Slugify(title), base + "-" + suffix
}
