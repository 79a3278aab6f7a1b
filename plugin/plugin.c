/* gst-trial: the "trial" plugin, registering its elements. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrsbagdemux.h"
#include "gsttrialalign.h"
#include "gsttrialconvert.h"
#include "gsttrialsink.h"
#include "gsttrialsrc.h"
#include "gsttrialtypefind.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (trialsrc, plugin);
  ret |= GST_ELEMENT_REGISTER (trialconvert, plugin);
  ret |= GST_ELEMENT_REGISTER (trialsink, plugin);
  ret |= GST_ELEMENT_REGISTER (rsbagdemux, plugin);
  ret |= GST_ELEMENT_REGISTER (trialalign, plugin);
  ret |= GST_TYPE_FIND_REGISTER (rosbag, plugin);
  ret |= GST_TYPE_FIND_REGISTER (npy, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, trial,
    "Convert RealSense recording trials to per-frame PNG and .npy files",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
