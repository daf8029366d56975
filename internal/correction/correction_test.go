package correction

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"Label", "The council met.\n\nCorrection: An earlier figure of 40 homes was wrong; it is 14.", []string{"Correction: An earlier figure of 40 homes was wrong; it is 14."}},
		{"DatedLabel", "Text.\n\nCorrection, 3 March 2026: The mayor's name was misspelt.", []string{"Correction, 3 March 2026: The mayor's name was misspelt."}},
		{"Clarification", "Clarification: The report was commissioned, not written, by the council.\n\nText.", []string{"Clarification: The report was commissioned, not written, by the council."}},
		{"EditorsNote", "Editor’s note: Names have been changed to protect the families.\n\nText.", []string{"Editor’s note: Names have been changed to protect the families."}},
		{"Amended", "Text.\n\nThis article was amended on 4 March 2026 to correct the date of the vote.", []string{"This article was amended on 4 March 2026 to correct the date of the vote."}},
		{"UpdatedTo", "Text.\n\nThis story has been updated to include the council's response.", []string{"This story has been updated to include the council's response."}},
		{"EarlierVersion", "Text.\n\nAn earlier version of this article misstated the height of the wall.", []string{"An earlier version of this article misstated the height of the wall."}},
		{"Bracket", "[Correction] — The photo caption named the wrong ferry.\n\nText.", []string{"[Correction] — The photo caption named the wrong ferry."}},
		{"Spaces", "Correction:\n  the   date was wrong.", []string{"Correction: the date was wrong."}},
		{"NotANote", "The correction of the river's course cost millions.\n\nUpdates to the timetable follow.", nil},
		{"MidSentence", "He said the article was amended later.", nil},
		{"TimeStampOnly", "Update: 10:42 GMT\n\nText.", nil},
		{"TooLong", "Correction: " + strings.Repeat("word ", 200), nil},
	} {
		got := Find(tc.text)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: Find = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFindBounded(t *testing.T) {
	text := strings.Repeat("Correction: one more thing was wrong.\n\n", 20)
	if got := Find(text); len(got) != Max {
		t.Errorf("found %d notes, want at most %d", len(got), Max)
	}
}

func FuzzFind(f *testing.F) {
	f.Add("Correction: the date was wrong.\n\nText.")
	f.Fuzz(func(t *testing.T, text string) {
		for _, n := range Find(text) {
			if n == "" || len(n) > MaxLen {
				t.Fatalf("note %q", n)
			}
		}
	})
}
