/* stub: being implemented */
#include "gst/trial/depth.h"
