/* stub: being implemented */
#include "gst/trial/raw.h"
