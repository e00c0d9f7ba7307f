/* leaks.c — one leak of every kind memcheck knows:
 *   definitely lost   a block no pointer refers to
 *   indirectly lost   the nodes of a list whose head is lost
 *   possibly lost     a block only an interior pointer refers to
 *   still reachable   a block a global points to */
#include <stdlib.h>

struct node {
    struct node *next;
    int value;
};

void *reachable;
char *interior;

static struct node *list(int n)
{
    struct node *head = NULL;
    for (int i = 0; i < n; i++) {
        struct node *x = malloc(sizeof *x);
        x->next = head;
        x->value = i;
        head = x;
    }
    return head;
}

static void leak(void)
{
    void *lost = malloc(100);
    (void)lost;
    struct node *head = malloc(sizeof *head);
    head->next = list(3);
    head = NULL;
    interior = (char *)malloc(64) + 10;
    reachable = malloc(24);
}

int main(void)
{
    leak();
    /* Clear the registers and stack slots that may still hold the pointers. */
    volatile char scrub[256];
    for (int i = 0; i < 256; i++)
        scrub[i] = 0;
    return scrub[0];
}
