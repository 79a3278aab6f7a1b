/* stub: being implemented */
#include "gst/trial/layout.h"
