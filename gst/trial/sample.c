/* stub: being implemented */
#include "gst/trial/sample.h"
