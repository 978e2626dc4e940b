package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// A story of ten sentences, and two others, written for this test.
var (
	groupStory = []string{
		"The harbour authority of Westmere voted on Tuesday to close the old ferry pier for two years of repairs.",
		"Engineers found last winter that storms had cracked three of the wooden piles that carry the pier deck.",
		"Ferries to the islands will leave from a temporary pontoon beside the fish market while the work goes on.",
		"The council expects the repairs to cost about four million pounds, shared with the regional transport board.",
		"Island residents told the meeting that the pontoon is too far from the bus station for older passengers.",
		"The authority promised a shuttle bus between the station and the pontoon for every sailing in the timetable.",
		"Fishing crews asked for the market quay to stay clear of ferry traffic during the early morning landings.",
		"A harbour master said the ferries would use the pontoon only after the fishing boats had left the quay.",
		"Work on the pier is due to begin in March, once the last winter storms have passed the coast.",
		"The authority will publish a new ferry timetable for the islands at the end of January.",
	}
	groupOthers = []string{
		"A bakery in the old town won a national prize for its rye bread, made with flour from a mill on the river. " +
			"The owners said they had baked the same loaf every morning for thirty years and saw no reason to change it. " +
			"Judges praised its crust and the sour taste that comes from a starter kept alive since the bakery opened.",
		"The city orchestra will tour four countries next autumn, its first trip abroad since the concert hall reopened. " +
			"Its conductor said the programme would pair new works by local composers with symphonies the orchestra has long played. " +
			"Tickets for the farewell concert at home go on sale next week, with seats held back for students.",
	}
)

// groupTwice is posted twice at once.
const groupTwice = "Volunteers counted two hundred and twelve swans on the lake this winter, the most since the count began. " +
	"They said milder weather and cleaner water had brought the birds back from the estuary."

// TestConcurrentPostsGoTogetherEndToEnd posts copies of one story (each
// without one of its sentences) and two other stories all at once to a
// real server over Postgres, with one ingest runner, so that the posts
// that arrive while one is stored go together as a batch. Every post must
// get its own article back, the copies must share one cluster, and the
// other stories must stay alone.
func TestConcurrentPostsGoTogetherEndToEnd(t *testing.T) {
	c := &client{t: t, base: startRun(t, map[string]string{"DATABASE_URL": testDatabaseURL(t), "DEDUP_INGEST_RUNNERS": "1"})}

	bodies := map[string]string{}
	for i := range groupStory {
		copyOf := append(append([]string{}, groupStory[:i]...), groupStory[i+1:]...)
		bodies[fmt.Sprintf("copy-%d", i)] = strings.Join(copyOf, " ")
	}
	for i, o := range groupOthers {
		bodies[fmt.Sprintf("other-%d", i)] = o
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	posted := map[string]e2eResult{}
	for ext, body := range bodies {
		wg.Go(func() {
			var res e2eResult
			c.do("POST", "/v1/articles", map[string]string{"source": "group-test", "external_id": ext, "body": body}, &res, 201)
			mu.Lock()
			posted[ext] = res
			mu.Unlock()
		})
	}
	// A client that sends one post twice at once (a retry) gets one article.
	var twice [2]e2eResult
	var twiceStatus [2]int
	for i := range twice {
		wg.Go(func() {
			twiceStatus[i] = c.do("POST", "/v1/articles", map[string]string{"source": "group-test", "external_id": "twice", "body": groupTwice}, &twice[i], 200, 201)
		})
	}
	wg.Wait()
	if slices.Sort(twiceStatus[:]); twiceStatus != [2]int{200, 201} || twice[0].Article.ID != twice[1].Article.ID {
		t.Errorf("a post sent twice at once answered %v with articles %d and %d, want 200 and 201 with one article", twiceStatus, twice[0].Article.ID, twice[1].Article.ID)
	}

	ids := map[int64]string{}
	clusters := map[string]int64{}
	for ext, res := range posted {
		if res.Article.ExternalID != ext || !res.Created {
			t.Errorf("POST of %s answered %+v, want its own new article", ext, res)
		}
		if prev, dup := ids[res.Article.ID]; dup {
			t.Errorf("%s and %s both answered with article %d", ext, prev, res.Article.ID)
		}
		ids[res.Article.ID] = ext
		var a e2eArticle
		c.do("GET", fmt.Sprintf("/v1/articles/%d", res.Article.ID), nil, &a, 200)
		clusters[ext] = a.ClusterID
	}
	for i := range groupStory {
		if ext := fmt.Sprintf("copy-%d", i); clusters[ext] != clusters["copy-0"] {
			t.Errorf("%s is in cluster %d, copy-0 in %d: want the copies in one", ext, clusters[ext], clusters["copy-0"])
		}
	}
	for i := range groupOthers {
		ext := fmt.Sprintf("other-%d", i)
		var own e2eCluster
		c.do("GET", fmt.Sprintf("/v1/clusters/%d", clusters[ext]), nil, &own, 200)
		if len(own.Members) != 1 {
			t.Errorf("%s is in a cluster of %d, want itself alone", ext, len(own.Members))
		}
	}

	// Every post went through the grouping once, alone or in a batch.
	sum, ok1 := c.metric("newsdedup_ingest_group_size_sum")
	rounds, ok2 := c.metric("newsdedup_ingest_group_size_count")
	if posts := len(bodies) + len(twice); !ok1 || !ok2 || int(sum) != posts || rounds < 1 || rounds > sum {
		t.Errorf("newsdedup_ingest_group_size: sum %v, count %v; want a sum of %d posts", sum, rounds, posts)
	}
	t.Logf("%v posts stored in %v rounds", sum, rounds)
}
