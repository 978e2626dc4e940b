package dedup

// stopwords are English function words. Spinners and paraphrasers replace
// content words and leave these in place, so the sequence of stopwords of a
// text (Stamatatos 2011, "Plagiarism detection using stopword n-grams")
// survives rewording while two independent texts rarely share a long run of
// it. Content words, in turn, are what copies share and SimHash weighs.
var stopwords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range []string{
		"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
		"any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
		"between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
		"during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
		"he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
		"in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most",
		"must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
		"or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "shall",
		"she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
		"them", "themselves", "then", "there", "these", "they", "this", "those", "through",
		"to", "too", "under", "until", "up", "upon", "very", "was", "we", "were", "what",
		"when", "where", "which", "while", "who", "whom", "whose", "why", "will", "with",
		"would", "you", "your", "yours", "yourself", "yourselves",
	} {
		m[w] = true
	}
	return m
}()
