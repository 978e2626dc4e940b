package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// Service-level tests: the dedup.Service running on each real store, for
// the paths whose correctness depends on the store's transactions and
// constraints (cluster moves, deletes, concurrent ingest).

var servicePara = []string{
	"The regional water authority announced on Thursday that it will replace every lead pipe in the old town within three years, after tests at two primary schools found levels well above the national limit.",
	"Its chief executive told reporters that the work would start in the streets around the schools in spring, and that families in affected homes would receive free filters until their pipes are replaced.",
	"Residents who attended a public meeting on Wednesday evening said they had complained about the taste of their tap water for years and accused the authority of ignoring earlier warnings from its own engineers.",
	"The programme is expected to cost around one hundred and twenty million euros, to be paid partly from higher bills over the next decade and partly from a grant promised by the environment ministry.",
	"Opposition councillors called for an independent inquiry into how long the authority had known about the problem, and said they would raise the matter at the next meeting of the regional assembly.",
}

var serviceOther = "A small museum on the coast reopened on Saturday after two years of restoration, showing a collection of ship models, maps and letters that sailors from the town sent home during the nineteenth century."

func runServiceTests(t *testing.T, newStore newStoreFunc) {
	t.Run("Lifecycle", func(t *testing.T) { testServiceLifecycle(t, newStore(t)) })
	t.Run("ConcurrentCopies", func(t *testing.T) { testServiceConcurrentCopies(t, newStore) })
}

func TestServicePostgres(t *testing.T) {
	requireDB(t)
	runServiceTests(t, func(tb testing.TB, opts ...Option) storeUnderTest { return newTestDB(tb, opts...) })
}

func TestServiceEmbedded(t *testing.T) {
	runServiceTests(t, func(tb testing.TB, opts ...Option) storeUnderTest { return newTestEmbedded(tb, opts...) })
}

func ingestText(tb testing.TB, svc *dedup.Service, id, body string, day int) *dedup.Result {
	tb.Helper()
	res, err := svc.Ingest(context.Background(), dedup.ArticleInput{
		ExternalID: id, Source: "test", Body: body, PublishedAt: time.Date(2023, 3, day, 8, 0, 0, 0, time.UTC),
	})
	if err != nil {
		tb.Fatalf("ingest %s: %v", id, err)
	}
	return res
}

func clusterOf(tb testing.TB, svc *dedup.Service, id int64) int64 {
	tb.Helper()
	a, err := svc.GetArticle(context.Background(), id)
	if err != nil {
		tb.Fatalf("get article %d: %v", id, err)
	}
	return a.ClusterID
}

func testServiceLifecycle(t *testing.T, st storeUnderTest) {
	ctx := context.Background()
	svc := dedup.NewService(st, dedup.Options{})
	full := ingestText(t, svc, "full", strings.Join(servicePara, "\n\n"), 1)
	head := ingestText(t, svc, "head", "Lead pipes to go\n\n"+strings.Join(servicePara[:3], "\n\n"), 2)
	tail := ingestText(t, svc, "tail", strings.Join(servicePara[2:], "\n\n"), 3)
	lone := ingestText(t, svc, "lone", serviceOther+" "+serviceOther, 4)
	c := clusterOf(t, svc, full.Article.ID)
	if clusterOf(t, svc, head.Article.ID) != c || clusterOf(t, svc, tail.Article.ID) != c {
		t.Fatal("full, head and tail are not in one cluster")
	}
	cl, err := svc.GetCluster(ctx, c)
	if err != nil || cl.CanonicalID != full.Article.ID || len(cl.Members) != 3 {
		t.Fatalf("cluster = %+v, %v; want 3 members with the earliest canonical", cl, err)
	}

	// Deleting a lone article removes its cluster too.
	if err := svc.DeleteArticle(ctx, lone.Article.ID); err != nil {
		t.Fatalf("delete lone article: %v", err)
	}
	if _, err := svc.GetCluster(ctx, lone.Article.ClusterID); err == nil {
		t.Error("the lone article's cluster outlived it")
	}

	// Deleting the article that held head and tail together splits them.
	if err := svc.DeleteArticle(ctx, full.Article.ID); err != nil {
		t.Fatalf("delete full article: %v", err)
	}
	if clusterOf(t, svc, head.Article.ID) == clusterOf(t, svc, tail.Article.ID) {
		t.Error("head and tail still share a cluster")
	}

	// Replacing head's body with another story moves it to a cluster of its own.
	moved := ingestText(t, svc, "tail", serviceOther, 3)
	if !moved.Updated || moved.Article.ID != tail.Article.ID || len(moved.Matches) != 0 {
		t.Fatalf("replace: updated=%v id=%d matches=%v", moved.Updated, moved.Article.ID, moved.Matches)
	}
	checkSizes(t, st)
}

// testServiceConcurrentCopies posts variants of one story from many
// goroutines at once, several rounds (each on an empty store), and checks
// each round ends in one
// cluster with no article lost: every insert commits before its search, so
// of two simultaneous copies at least one sees the other, and cluster
// changes serialize on the cluster locks.
func testServiceConcurrentCopies(t *testing.T, newStore newStoreFunc) {
	const rounds, writers = 4, 8
	for r := range rounds {
		t.Run(fmt.Sprint("round", r), func(t *testing.T) { raceOneStory(t, newStore(t), r, writers) })
	}
}

func raceOneStory(t *testing.T, st storeUnderTest, r, writers int) {
	svc := dedup.NewService(st, dedup.Options{})
	story := servicePara
	{
		ids := make([]int64, writers)
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf("Headline number %d\n\n%s\n\nAdvertisement", w, strings.Join(story[:3+w%3], "\n\n"))
				res, err := svc.Ingest(context.Background(), dedup.ArticleInput{ExternalID: fmt.Sprintf("r%d-w%d", r, w), Source: "race", Body: body})
				if err != nil {
					errs <- err
					return
				}
				ids[w] = res.Article.ID
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", r, err)
		}
		want := clusterOf(t, svc, ids[0])
		for w, id := range ids {
			if got := clusterOf(t, svc, id); got != want {
				t.Errorf("round %d: writer %d's article %d is in cluster %d, writer 0's in %d", r, w, id, got, want)
			}
		}
		c, err := svc.GetCluster(context.Background(), want)
		if err != nil || len(c.Members) != writers {
			t.Errorf("round %d: cluster %d has %d members (%v), want %d", r, want, len(c.Members), err, writers)
		}
		checkSizes(t, st)
	}
}
