/* stub: being implemented */
#include "gst/trial/png.h"
