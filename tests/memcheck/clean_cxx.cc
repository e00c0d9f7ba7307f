// clean_cxx.cc — no errors: C++ containers, strings, iostreams,
// exceptions, and some heavy glibc users (qsort, printf of floats, strtod,
// getline from a stream, regex).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <regex.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int thrower(int n)
{
    if (n > 3)
        throw std::runtime_error("too big: " + std::to_string(n));
    return n * 2;
}

int main()
{
    std::vector<std::string> words;
    for (int i = 0; i < 200; i++)
        words.push_back("word" + std::to_string(i * 37 % 101));
    std::sort(words.begin(), words.end());
    std::map<std::string, int> counts;
    std::unordered_map<int, std::string> byint;
    for (auto &w : words) {
        counts[w]++;
        byint[(int)w.size()] += w;
    }
    auto shared = std::make_shared<std::vector<int>>(100, 7);
    std::unique_ptr<int[]> arr(new int[50]());
    int caught = 0;
    for (int i = 0; i < 6; i++) {
        try {
            arr[i] = thrower(i);
        } catch (const std::exception &e) {
            caught += (int)std::string(e.what()).size();
        }
    }
    int v[64];
    for (int i = 0; i < 64; i++)
        v[i] = (i * 7919) % 64;
    qsort(v, 64, sizeof v[0], cmp);
    char buf[128];
    snprintf(buf, sizeof buf, "%.6f %g %e", 3.14159265, 2.5e-8, 1e100);
    double d = strtod("6.02214076e23", nullptr);
    std::istringstream in("line one\nline two\nline three\n");
    std::string line;
    int lines = 0;
    while (std::getline(in, line))
        lines++;
    regex_t re;
    regcomp(&re, "^w(or)d[0-9]+$", REG_EXTENDED);
    int matched = 0;
    for (auto &w : words)
        matched += regexec(&re, w.c_str(), 0, nullptr, 0) == 0;
    regfree(&re);
    std::ostringstream out;
    out << counts.size() << ' ' << byint.size() << ' ' << (*shared)[99] << ' ' << caught << ' ' << v[63] << ' '
        << buf << ' ' << d << ' ' << lines << ' ' << matched;
    std::cout << out.str() << std::endl;
    return 0;
}
