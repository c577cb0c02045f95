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
