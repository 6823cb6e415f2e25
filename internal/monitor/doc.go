// Package monitor is the matching engine of public-concern monitoring
// (舆情监测): it normalises posts, files them under stories, matches the
// watch rules and routes each post to the units it names. Pure logic: no
// database, no network; the jobs that fetch feeds and the pages that show
// streams live elsewhere. It never looks at who wrote a post — there is no
// author anywhere in its types.
//
// # Normalisation
//
// Normalize is applied to posts and rule keywords alike: Unicode NFKC
// (full-width letters, digits and punctuation become half-width), traditional
// to simplified characters with OpenCC's t2s dictionaries (longest phrase
// first, then character by character), case folding, and format characters
// such as zero-width spaces removed. A rule written 校园 matches 校園, and
// ＡＢＣ matches abc.
//
// # Rule syntax
//
//	expr   := and { OR and }
//	and    := unary { [AND] unary }      juxtaposition is AND: 校园 霸凌
//	unary  := NOT unary | primary
//	primary:= ( expr ) | term [ NEAR/n term ]
//	term   := word | "quoted phrase"
//
// Operators are the words AND, OR, NOT and NEAR/n in any case; full-width
// parentheses （） and Chinese quotes “” work too. A word is a run of
// characters without spaces, parentheses or quotes; to search for the word
// "and" itself, quote it. Precedence from loosest: OR, AND, NOT, NEAR, so
// `a OR b c` is `a OR (b AND c)` and `NOT a b` is `(NOT a) AND b`.
//
// `"校园" NEAR/10 "霸凌"` holds when an occurrence of each term lies, in
// either order, with at most 10 characters between the end of the first and
// the start of the second (overlapping occurrences count as 0); n is 0 to
// 500 and NEAR joins two terms only (use AND between two NEARs).
//
// A rule must need at least one word: a rule that would match a post
// containing none of its words (`NOT 考试`) is refused. Errors are a
// *RuleError holding a *ParseError whose Column (1-based, in characters)
// points at the offending token.
//
// # Matching
//
// Compile puts the keywords of all rules into one Aho–Corasick automaton
// (github.com/coregx/ahocorasick, run over a compact re-encoding of the
// text: see index.go); Match scans a post once, collects the keywords
// present with their positions and evaluates only the rules that contain one
// of them. A Pipeline does the same with the rules' keywords and the units'
// names in one automaton.
//
// # De-duplication
//
// A Deduper files an item under an existing story when its normalised URL
// (scheme and host in lower case, fragment and tracking parameters dropped)
// or its title hash is known, or when the simhash of its text's character
// bigrams is within a Hamming threshold (3 bits by default) of a story's.
//
// # Jurisdiction (属地)
//
// A Gazetteer holds the org tree's names and aliases. A post naming a school
// routes to that school (its ancestors implied); where names overlap the
// longest wins; a name shared by several units goes to their lowest common
// ancestor.
package monitor
