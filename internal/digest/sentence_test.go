package digest

import (
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"Plain", "The council voted. The wall is approved!  Is it enough?",
			[]string{"The council voted.", "The wall is approved!", "Is it enough?"}},
		{"Abbreviations", "Mr. Smith met Dr. Jones on Main St. today. They spoke.",
			[]string{"Mr. Smith met Dr. Jones on Main St. today.", "They spoke."}},
		{"Initials", "J. K. Rowling wrote it. Then she rested.",
			[]string{"J. K. Rowling wrote it.", "Then she rested."}},
		{"DottedAcronym", "The U.S. Senate voted. It passed.",
			[]string{"The U.S. Senate voted.", "It passed."}},
		{"Decimals", "Prices rose 3.5 per cent to $2.40 in March. Sales fell.",
			[]string{"Prices rose 3.5 per cent to $2.40 in March.", "Sales fell."}},
		{"LowerCaseAfterStop", "It cost approx. five pounds. Nobody paid.",
			[]string{"It cost approx. five pounds.", "Nobody paid."}},
		{"ClosingQuoteStays", `"We will build it." The mayor left.`,
			[]string{`"We will build it."`, "The mayor left."}},
		{"Paragraphs", "A first line without a stop\n\nA second paragraph.",
			[]string{"A first line without a stop", "A second paragraph."}},
		{"Tokenised", "the wall is approved . ' we are delighted , ' she said . work begins in june .",
			[]string{"the wall is approved .", "' we are delighted , ' she said .", "work begins in june ."}},
		{"TokenisedQuoteAfterStop", "he said : ' it is done . ' the council met .",
			[]string{"he said : ' it is done . '", "the council met ."}},
		{"Empty", "  \n\n ", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestQuoted(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		quoted []bool
	}{
		{"DirectSpeech", `"We cannot wait," she said. The vote was held.`, []bool{true, false}},
		{"ScareQuotes", `The minister called the plan "reckless" on Monday. It passed.`, []bool{false, false}},
		{"QuoteOverSentences", `"It is done. We won," he said. The vote was held.`, []bool{true, true, false}},
		{"BritishQuotes", `'We cannot wait,' she said. The vote was held.`, []bool{true, false}},
		{"TokenisedPossessive", "the players ' union voted to strike on monday . the league said nothing .", []bool{false, false}},
		{"TokenisedQuote", "she told the paper : ' i am delighted with the result . ' the club agreed .", []bool{true, false}},
		{"StrayQuoteEnds", `"One. Two. Three. Four. Five. Six. Seven.`, []bool{true, true, true, true, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := split(tt.text)
			got := make([]bool, len(ss))
			for i, s := range ss {
				got[i] = s.quoted
			}
			if !slices.Equal(got, tt.quoted) {
				t.Errorf("quoted = %v, want %v for %q", got, tt.quoted, Split(tt.text))
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Mr. Smith said \"yes.\" Then he left.")
	f.Add("' . ' '' `` . ! ? …")
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range Split(text) {
			if s == "" {
				t.Fatalf("empty sentence from %q", text)
			}
		}
	})
}
