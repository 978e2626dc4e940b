package main

import "strings"

// thesaurusText lists news words with replacements that keep the sense
// well enough for a spun rewrite, one "word: synonym, synonym" a line.
// Irregular forms are separate entries because the spinner does not stem.
const thesaurusText = `
said: stated, noted, added, explained, remarked
says: states, notes, adds, explains
told: informed, said to
year: twelve months, annum
years: twelve-month periods, annums
government: administration, authorities, state
company: firm, business, corporation, group
companies: firms, businesses, corporations
firm: company, business, corporation
market: marketplace, sector
markets: marketplaces, sectors
shares: stock, equities
share: stake, portion
percent: per cent, pct
pct: percent, per cent
rise: increase, climb, gain, growth
rose: increased, climbed, gained, grew
fell: dropped, declined, fell back, slipped
fall: drop, decline, slide
increase: rise, gain, growth
increased: rose, grew, climbed
decrease: decline, drop, fall
new: fresh, novel, latest
first: initial, opening, earliest
last: final, previous, latest
week: seven days
month: four weeks
people: individuals, persons, citizens
official: representative, officer
officials: representatives, officers, authorities
president: leader, head of state
minister: secretary, cabinet member
country: nation, state
countries: nations, states
economy: economic system
growth: expansion, increase
bank: lender, financial institution
banks: lenders, financial institutions
price: cost, value
prices: costs, values
sales: revenues, turnover
profit: earnings, gain, income
profits: earnings, gains, income
deal: agreement, accord, pact
plan: proposal, scheme, programme
plans: proposals, schemes, intends
meeting: summit, talks, session
talks: negotiations, discussions
report: statement, account, study
expected: anticipated, forecast, predicted
expects: anticipates, forecasts, predicts
help: aid, assist, support
big: large, major, huge
large: big, sizeable, substantial
small: little, minor, modest
important: significant, key, major
major: big, significant, leading
also: additionally, as well, too
however: nevertheless, still, though
because: since, as
about: around, roughly, approximately
around: about, roughly, some
many: numerous, several, a lot of
several: a number of, various, some
show: reveal, indicate, demonstrate
shows: reveals, indicates, demonstrates
showed: revealed, indicated, demonstrated
announced: declared, revealed, unveiled
agreed: consented, settled
make: create, produce
made: created, produced
take: grab, seize, accept
took: seized, accepted
buy: purchase, acquire
bought: purchased, acquired
sell: offload, trade
sold: offloaded, traded
win: victory, triumph
won: secured, clinched, claimed
lose: drop, forfeit
lost: dropped, forfeited
start: begin, launch, open
started: began, launched, opened
end: finish, close
ended: finished, closed, concluded
early: initial, premature
late: delayed, overdue
high: elevated, steep, lofty
low: modest, reduced
strong: robust, powerful, solid
weak: feeble, fragile, soft
good: fine, positive, solid
bad: poor, negative, damaging
quick: rapid, swift, fast
fast: rapid, swift, quick
slow: sluggish, gradual
group: team, body, organisation
business: commerce, trade, company
chief: head, boss, leader
head: chief, leader, boss
leader: head, chief
city: town, metropolis
nation: country, state
world: global, planet
international: global, worldwide
public: state, civic
private: personal, independent
money: cash, funds, capital
cash: money, funds
fund: finance, bankroll
spending: expenditure, outlays
cut: reduce, trim, lower
cuts: reductions, trims
raise: lift, boost, increase
hit: struck, affected
claim: assertion, allegation
claimed: asserted, alleged
statement: announcement, declaration
spokesman: representative, spokesperson
analyst: expert, commentator
analysts: experts, commentators, observers
investors: shareholders, backers
trade: commerce, business
trading: dealing, business
game: match, contest, fixture
match: game, contest, fixture
team: side, squad
player: athlete, competitor
players: athletes, competitors
season: campaign, term
film: movie, picture
music: songs, tunes
star: celebrity, headliner
award: prize, honour
election: vote, poll, ballot
vote: ballot, poll
party: faction, camp
campaign: drive, push, effort
policy: strategy, approach
security: safety, protection
attack: assault, strike, raid
war: conflict, fighting
military: armed forces, army
police: officers, law enforcement
court: tribunal, judges
law: legislation, statute, rule
rules: regulations, guidelines
issue: matter, question, problem
problem: difficulty, issue, trouble
concern: worry, unease
concerns: worries, fears
warned: cautioned, alerted
believe: think, consider, feel
think: believe, reckon, feel
want: wish, desire, seek
wanted: wished, sought
need: require, demand
needs: requires, demands
use: utilise, employ
used: utilised, employed
give: provide, offer, grant
gave: provided, offered, granted
keep: retain, maintain, hold
seek: pursue, look for
try: attempt, seek
tried: attempted, sought
move: step, shift, measure
change: shift, alteration, revision
changes: shifts, alterations, revisions
continue: carry on, persist, go on
continued: carried on, persisted, went on
remain: stay, stick
remains: stays, is still
expect: anticipate, predict
likely: probable, expected
possible: feasible, potential
recent: latest, new
recently: lately, of late
currently: presently, at present, now
now: currently, at present
soon: shortly, before long
today: nowadays, this day
still: yet, even now
only: just, merely, solely
very: highly, extremely, really
much: far, a great deal
more: additional, extra, further
less: fewer, lower
number: figure, total, amount
part: portion, section, share
set: established, fixed
put: placed, set
call: demand, appeal
called: named, labelled, urged
according: as per
including: among them, such as
despite: in spite of, notwithstanding
during: throughout, in the course of
following: after, after that
next: coming, following
major: key, leading
top: leading, senior, highest
quarter: three months, period
record: all-time, unprecedented
earnings: profits, income
revenue: income, takings
rate: level, pace
rates: levels
costs: expenses, outlays
jobs: posts, positions
workers: employees, staff
children: kids, youngsters
house: home, residence
home: house, residence
state: government, nation
region: area, zone
area: region, zone
foreign: overseas, external
domestic: home, internal
local: regional, neighbourhood
national: countrywide, nationwide
industry: sector, trade
production: output, manufacturing
output: production, yield
demand: call, need
supply: provision, stock
oil: crude, petroleum
mln: million
billion: bn
dlrs: dollars
`

// newThesaurus parses thesaurusText.
func newThesaurus() map[string][]string {
	t := make(map[string][]string)
	for line := range strings.Lines(thesaurusText) {
		word, syns, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok {
			continue
		}
		for s := range strings.SplitSeq(syns, ", ") {
			t[word] = append(t[word], s)
		}
	}
	return t
}
