// cxx_exceptions.cc — a C++ guest for tests/progs: exceptions (throw and
// catch across frames, rethrow, nested handlers, destructors run while
// unwinding, exceptions from the standard library) and iostreams (formatted
// output, string streams, parsing).  Built by `make tests` with Debian's g++,
// dynamically linked against libstdc++ and libgcc_s, run natively and under
// ue by tests/progs/suite.sh; stdout, stderr and the exit status must match.
//
// What this exercises in ue: the unwinder reading .eh_frame through the
// guest's own libgcc_s (lots of table-driven integer code and indirect
// calls), thread-local exception globals (FS-relative accesses), the
// dynamic linker resolving C++ symbols, and libstdc++'s locale machinery.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int live_guards = 0;

// Counts how many are alive, so the test can see destructors ran.
struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) { live_guards++; }
    ~Guard()
    {
        live_guards--;
        std::cout << "  ~Guard(" << name << ")\n";
    }
};

struct ParseError : std::runtime_error {
    int line;
    ParseError(const std::string &what, int l) : std::runtime_error(what), line(l) {}
};

int parse_positive(const std::string &s, int line)
{
    Guard g("parse " + s);
    std::istringstream in(s);
    int v;
    if (!(in >> v))
        throw ParseError("not a number: '" + s + "'", line);
    if (v <= 0)
        throw std::out_of_range("not positive: " + std::to_string(v));
    return v;
}

int deep(int n)
{
    Guard g("deep " + std::to_string(n));
    if (n == 0)
        throw 42;
    return deep(n - 1) + 1;
}

void rethrower()
{
    try {
        deep(3);
    } catch (int e) {
        std::cout << "  caught int " << e << ", rethrowing\n";
        throw;
    }
}

}  // namespace

int main()
{
    int caught = 0;
    std::cout << "== parse\n";
    const char *inputs[] = {"17", "abc", "-5", "2048"};
    int line = 1;
    for (const char *s : inputs) {
        try {
            int v = parse_positive(s, line);
            std::cout << "  value " << std::setw(6) << v << " hex " << std::hex << std::showbase << v << std::dec
                      << std::noshowbase << "\n";
        } catch (const ParseError &e) {
            caught++;
            std::cout << "  ParseError at line " << e.line << ": " << e.what() << "\n";
        } catch (const std::exception &e) {
            caught++;
            std::cout << "  std::exception: " << e.what() << "\n";
        }
        line++;
    }

    std::cout << "== unwinding\n";
    try {
        rethrower();
    } catch (int e) {
        caught++;
        std::cout << "  outer caught int " << e << ", guards alive " << live_guards << "\n";
    }

    std::cout << "== library exceptions\n";
    try {
        std::vector<int> v(3);
        v.at(7) = 1;
    } catch (const std::out_of_range &e) {
        caught++;
        std::cout << "  vector::at threw out_of_range\n";
    }
    try {
        std::stoi("zzz");
    } catch (const std::invalid_argument &e) {
        caught++;
        std::cout << "  stoi threw invalid_argument\n";
    }
    try {
        std::map<std::string, int> m{{"a", 1}};
        std::cout << "  m.at(a) = " << m.at("a") << "\n";
        m.at("b");
    } catch (const std::out_of_range &) {
        caught++;
        std::cout << "  map::at threw out_of_range\n";
    }

    std::cout << "== nested\n";
    try {
        try {
            throw std::logic_error("inner");
        } catch (const std::logic_error &e) {
            std::cout << "  inner handler: " << e.what() << "\n";
            throw std::runtime_error(std::string("outer from ") + e.what());
        }
    } catch (const std::runtime_error &e) {
        caught++;
        std::cout << "  outer handler: " << e.what() << "\n";
    }

    std::cout << "== exception_ptr\n";
    std::exception_ptr p;
    try {
        throw std::domain_error("saved");
    } catch (...) {
        p = std::current_exception();
    }
    try {
        std::rethrow_exception(p);
    } catch (const std::domain_error &e) {
        caught++;
        std::cout << "  rethrown: " << e.what() << "\n";
    }

    std::cout << "== streams\n";
    std::ostringstream os;
    os << std::fixed << std::setprecision(3) << 3.14159265 << " " << std::scientific << 1234.5 << " "
       << std::setfill('*') << std::setw(8) << std::left << "ab" << "|";
    std::cout << "  " << os.str() << "\n";
    std::istringstream is("10 20 thirty 40");
    int sum = 0, x;
    while (is >> x)
        sum += x;
    std::cout << "  sum before the word: " << sum << ", stream failed: " << std::boolalpha << is.fail() << "\n";

    std::cerr << "cxx_exceptions: " << caught << " exceptions caught\n";
    std::cout << "caught " << caught << ", guards alive " << live_guards << std::endl;
    return caught == 8 && live_guards == 0 ? 0 : 1;
}
