# loop.pl — a Perl workload for bench/run: arithmetic, hashes, arrays,
# strings, regular expressions, sort and recursion.  Deterministic; prints
# one line.
#   perl loop.pl N      (N rounds; bench/run picks N)
use strict;
use warnings;

sub fib { my $n = shift; return $n < 2 ? $n : fib($n - 1) + fib($n - 2) }

sub one_round {
    my ($r, $check) = @_;
    my $acc = $r;
    for my $i (0 .. 1999) {
        $acc = ($acc * 31 + ($i ^ ($acc >> 7))) & 0xFFFFFFFF;
    }
    my ($seed, %counts) = ($r + 1);
    for (1 .. 300) {
        $seed = ($seed * 1103515245 + 12345) & 0x7FFFFFFF;
        $counts{sprintf("w%x", $seed % 997)}++;
    }
    my $text = join " ", sort { $counts{$b} <=> $counts{$a} or $a cmp $b } keys %counts;
    my $digits = () = $text =~ /[0-9]/g;
    $acc ^= length($text) + $digits;
    my @arr = map { $_ * $_ % 1009 } 0 .. 499;
    my $s = 0;
    for (my $i = 0; $i < @arr; $i += 3) { $s += $arr[$i] }
    $acc = ($acc + $s + fib(12)) & 0xFFFFFFFF;
    return (($check * 1000003) ^ $acc) & 0xFFFFFFFF;
}

my $n = $ARGV[0] // 1000;
my $check = 0;
$check = one_round($_, $check) for 0 .. $n - 1;
printf "loop.pl: rounds=%d checksum=%08x\n", $n, $check;
