package demo

import "github.com/herald-news/herald"

// Topics returns the demo world's topics, one for each of its developing
// stories, so that the demo's article pages carry their "Latest
// developments" box from the first article on.
func Topics() []*herald.Topic {
	topic := func(name string, match ...string) *herald.Topic {
		return &herald.Topic{Name: name, Rules: herald.TopicRules{Match: match}}
	}
	return []*herald.Topic{
		topic("Port Ellery seawall", "seawall"),
		topic("Tallybridge data breach", "Tallybridge"),
		topic("Measles in Northfield", "measles"),
		topic("Northern Cross rail strike", "Northern Cross", "rail strike", "signal strike"),
		topic("Interest rates", "interest rates", "rate cut", "Reserve Bank"),
		topic("Storm Hester", "Storm Hester", "Wend"),
		topic("Brannock mill", "Brannock"),
		topic("Northfield buses", "bus franchising", "buses"),
		topic("Skerrin drone trial", "drone"),
		topic("Ashby Vale maternity unit", "maternity"),
	}
}
