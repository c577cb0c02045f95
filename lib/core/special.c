/* ln Gamma(x) without the C library's lgamma, which writes the global `signgam` and so is
 * a data race when two threads call it (the library promises no global mutable state).
 * tgamma touches no global; its logarithm is exact to rounding where Gamma(x) is finite,
 * and beyond that Stirling's series is exact to double precision. */
#include <math.h>

#include "core/core.h"

double smi_lgamma(double x)
{
    if (x < 171.0)
        return log(fabs(tgamma(x)));
    /* ln Gamma(x) = (x - 1/2) ln x - x + ln(2 pi) / 2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5)
     * - ..., whose next term is below 1e-19 here. */
    double r = 1.0 / x, r2 = r * r;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 +
           r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0));
}

/* The regularised lower incomplete gamma function P(a, z) (series) or its complement
 * Q(a, z) = 1 - P (Lentz's continued fraction) to about 1e-15 relative; neither LAPACK
 * nor C has it. `upper` selects Q. */
double smi_incomplete_gamma(double a, double z, int upper)
{
    if (z <= 0.0)
        return upper ? 1.0 : 0.0;
    double ln_front = a * log(z) - z - smi_lgamma(a);
    if (z < a + 1.0) {
        double term = 1.0 / a, sum = term;
        for (int n = 1; n < 10000 && fabs(term) > 1e-17 * fabs(sum); n++) {
            term *= z / (a + n);
            sum += term;
        }
        double p = sum * exp(ln_front);
        return upper ? 1.0 - p : p;
    }
    const double tiny = 1e-300;
    double b = z + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        d = fabs(d) < tiny ? tiny : d;
        c = b + an / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < 1e-16)
            break;
    }
    double q = exp(ln_front) * h;
    return upper ? q : 1.0 - q;
}
